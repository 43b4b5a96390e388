import { api, pageOf } from './api.js';
import { h, append, keyOf, errorBox, timeEl } from './dom.js';
import { profileHref } from './router.js';
import { scrollPager } from './paging.js';

const PAGE_SIZE = 20;

/** Find a person by one identity, or browse the profiles page by page. */
export async function renderSearchPage(page) {
  const select = h('select', { id: 'search-namespace', name: 'namespace', required: true });
  const value = h('input', {
    id: 'search-value', name: 'value', type: 'search', required: true, autocomplete: 'off',
    placeholder: 'tom@acme.com',
  });
  const form = h('form', { class: 'search', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const id = value.value.trim();
    if (id) location.hash = profileHref({ namespace: select.value, id });
  } },
  h('div', { class: 'field' }, h('label', { for: 'search-namespace' }, 'Namespace'), select),
  h('div', { class: 'field grow' }, h('label', { for: 'search-value' }, 'Value'), value),
  h('button', { type: 'submit', class: 'primary' }, 'Find profile'));
  const browse = h('section', { class: 'browse', 'aria-labelledby': 'browse-title' },
    h('h2', { id: 'browse-title' }, 'Profiles'));
  append(page, h('h1', {}, 'Find a customer'), form, browse);
  await fillNamespaces(select, form);
  value.focus();
  void browseProfiles(browse);
}

async function fillNamespaces(select, form) {
  try {
    const settings = await api.settings();
    for (const ns of settings.namespaces ?? []) {
      select.append(h('option', { value: ns.code }, `${ns.code} (${ns.type})`));
    }
    const email = (settings.namespaces ?? []).find((ns) => ns.type === 'email');
    if (email) select.value = email.code;
  } catch (error) {
    form.after(errorBox(error));
  }
}

async function browseProfiles(section) {
  const list = h('ul', { class: 'profile-list', 'data-testid': 'profile-list' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more profiles');
  const status = h('p', { class: 'status', role: 'status' });
  append(section, list, status, more);
  let cursor;
  const run = scrollPager(more, async () => {
    try {
      const { items, nextCursor } = pageOf(await api.profiles({ limit: PAGE_SIZE, cursor }));
      for (const item of items) list.append(profileItem(item));
      cursor = nextCursor;
      more.hidden = !cursor;
      status.textContent = list.children.length ? '' : 'No profiles yet.';
      return Boolean(cursor);
    } catch (error) {
      status.replaceChildren(errorBox(error));
      return false;
    }
  });
  more.addEventListener('click', () => void run());
  await run();
}

function profileItem(item) {
  const primary = item.primaryIdentity ?? item.identities?.[0] ?? item.identity;
  if (!primary) return h('li', {}, String(item.profileId ?? 'profile'));
  const others = (item.identities ?? []).filter((identity) => keyOf(identity) !== keyOf(primary));
  return h('li', { class: 'profile-item' },
    h('a', { href: profileHref(primary) }, keyOf(primary)),
    others.length ? h('span', { class: 'muted' }, ` + ${others.length} identities`) : null,
    item.eventCount !== undefined ? h('span', { class: 'muted' }, ` · ${item.eventCount} events`) : null,
    item.updatedAt ? h('span', { class: 'muted' }, ' · updated ', timeEl(item.updatedAt)) : null);
}
