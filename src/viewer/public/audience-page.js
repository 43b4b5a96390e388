import { api, pageOf } from './api.js';
import { h, append, errorBox, timeEl } from './dom.js';
import { renderAudienceEditor } from './audience-editor.js';

export const audienceHref = (id) => `#/audiences/${encodeURIComponent(id)}`;

/** #/audiences: every audience with its size; #/audiences/{id}: its editor and members (`new` for a new one). */
export async function renderAudiencesPage(page, route) {
  if (route.audienceId) return renderAudienceEditor(page, route.audienceId);
  append(page, h('h1', {}, 'Audiences'),
    h('p', {}, h('a', { href: '#/audiences/new', class: 'button primary', id: 'new-audience' }, 'New audience')));
  try {
    const { items } = pageOf(await api.audiences());
    page.append(items.length ? audienceTable(items) : h('p', { class: 'status', role: 'status' }, 'No audiences yet.'));
  } catch (error) {
    page.append(errorBox(error));
  }
}

function audienceTable(items) {
  const rows = items.map((audience) => h('tr', { 'data-audience': audience.id },
    h('td', {}, h('a', { href: audienceHref(audience.id) }, audience.id)),
    h('td', {}, audience.name),
    h('td', { class: 'num', 'data-testid': `size-${audience.id}` }, String(audience.size ?? '—')),
    h('td', {}, audience.status),
    h('td', {}, timeEl(audience.updatedAt))));
  return h('table', { class: 'audiences', 'data-testid': 'audience-list' },
    h('thead', {}, h('tr', {}, ['Id', 'Name', 'Members', 'Status', 'Updated'].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows));
}
