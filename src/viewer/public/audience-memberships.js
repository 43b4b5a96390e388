import { api } from './api.js';
import { h, errorBox, timeEl } from './dom.js';
import { audienceHref } from './audience-page.js';
import { explainTree } from './audience-explain.js';

/**
 * The profile's audiences, each with when it entered and, on demand, why (the explained condition). `why` (from the
 * URL, e.g. when coming from an audience's member list) opens that audience's explanation at once, member or not.
 */
export function membershipsView(identity, profile, { asOf, why }) {
  const memberships = profile.audiences ?? [];
  const ids = memberships.map((m) => m.id);
  if (why && !ids.includes(why)) ids.push(why);
  const list = h('ul', { class: 'memberships', 'data-testid': 'memberships' });
  for (const id of ids) {
    const membership = memberships.find((m) => m.id === id);
    list.append(membershipItem(identity, id, membership, { asOf, open: id === why }));
  }
  const empty = ids.length ? null : h('p', { class: 'muted' }, asOf ? 'In no audience at that moment.' : 'In no audience.');
  return h('section', { class: 'card', 'aria-labelledby': 'memberships-title' },
    h('h2', { id: 'memberships-title' }, 'Audiences'), list, empty);
}

function membershipItem(identity, id, membership, { asOf, open }) {
  const body = h('div', { class: 'why' });
  const details = h('details', { 'data-audience': id }, h('summary', {}, 'Why?'), body);
  let loaded = false;
  const load = async () => {
    if (loaded) return;
    loaded = true;
    try {
      const explained = await api.explainMembership(identity, id, asOf ? { asOf } : undefined);
      const member = explained.member
        ? h('p', { 'data-testid': 'explain-member' }, 'Member since ', timeEl(explained.enteredAt), '.')
        : h('p', { 'data-testid': 'explain-member' }, 'Not a member.');
      const now = explained.condition.matched ? 'The condition holds now:' : 'The condition does not hold now:';
      body.replaceChildren(member, h('p', {}, now), explainTree(explained.condition));
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  };
  details.addEventListener('toggle', () => { if (details.open) void load(); });
  if (open) details.open = true;
  return h('li', {}, h('a', { href: audienceHref(id) }, id),
    membership ? h('span', { class: 'muted' }, ' · since ', timeEl(membership.enteredAt)) : h('span', { class: 'muted' }, ' · not a member'),
    details);
}
