import { getApiKey, setApiKey } from './api.js';
import { h, replace } from './dom.js';
import { parseRoute } from './router.js';
import { renderSearchPage } from './search-page.js';
import { renderProfilePage } from './profile-page.js';
import { renderSimulatorPage } from './simulator-page.js';
import { renderAudiencesPage } from './audience-page.js';
import { renderComputedPage } from './computed-page.js';

const main = document.getElementById('app');
let lastRouteName = null;

const PAGES = {
  search: renderSearchPage,
  profile: renderProfilePage,
  simulator: renderSimulatorPage,
  audiences: renderAudiencesPage,
  computed: renderComputedPage,
};

async function render() {
  const route = parseRoute(location.hash);
  // A re-render after a control changed a parameter keeps keyboard focus on that control.
  const focusedId = document.activeElement?.id;
  markCurrentNav(route.name);
  const page = h('div', { class: `page page-${route.name}` });
  replace(main, page);
  await PAGES[route.name](page, route);
  const refocus = focusedId && route.name === lastRouteName ? document.getElementById(focusedId) : null;
  if (refocus) refocus.focus();
  else if (route.name !== lastRouteName && lastRouteName !== null) main.focus();
  lastRouteName = route.name;
}

function markCurrentNav(name) {
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function setUpApiKey() {
  const form = document.getElementById('api-key-form');
  const input = document.getElementById('api-key');
  input.value = getApiKey();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    form.closest('details').open = false;
    void render();
  });
}

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => void render());
setUpApiKey();
void render();
