import { api, pageOf } from './api.js';
import { h, append, errorBox, timeEl } from './dom.js';
import { profileHref } from './router.js';
import { scrollPager } from './paging.js';

const PAGE_SIZE = 50;

/** The members of an audience, paged as you scroll; each links to the profile, which says why they are in. */
export function audienceMembersView(audienceId) {
  const list = h('ul', { class: 'profile-list', 'data-testid': 'audience-members' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more members');
  const status = h('p', { class: 'status', role: 'status' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'members-title' },
    h('h2', { id: 'members-title' }, 'Members'), list, status, more);
  let cursor;
  const run = scrollPager(more, async () => {
    try {
      const { items, nextCursor } = pageOf(await api.audienceMembers(audienceId, { limit: PAGE_SIZE, cursor }));
      for (const member of items) list.append(memberItem(member, audienceId));
      cursor = nextCursor;
      more.hidden = !cursor;
      status.textContent = list.children.length ? '' : 'No members now.';
      return Boolean(cursor);
    } catch (error) {
      status.replaceChildren(errorBox(error));
      return false;
    }
  });
  more.addEventListener('click', () => void run());
  void run();
  return section;
}

function memberItem(member, audienceId) {
  const identity = member.primaryIdentity;
  const label = identity ? `${identity.namespace}:${identity.id}` : member.profileId;
  const link = identity ? h('a', { href: profileHref(identity, { why: audienceId }) }, label) : label;
  return h('li', { class: 'profile-item' }, link, h('span', { class: 'muted' }, ' · since ', timeEl(member.enteredAt)));
}
