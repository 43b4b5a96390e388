import { api, pageOf } from './api.js';
import { h, append, errorBox, formatTime, replace } from './dom.js';
import { profileHref } from './router.js';
import { isoToLocalInput, localInputToIso } from './time-input.js';
import { attributesView, identitiesView, summaryView } from './profile-summary.js';
import { graphPanel } from './graph-panel.js';
import { timelineView } from './timeline-view.js';
import { historyView } from './history-view.js';
import { membershipsView } from './audience-memberships.js';
import { computedView } from './computed-card.js';

/**
 * One customer: summary, identities, attributes with provenance, graph, timeline and history. `asOf` and
 * `mergePolicy` live in the URL, so "the profile as it was on Tuesday under the CRM-first policy" is a link.
 */
export async function renderProfilePage(page, route) {
  const { identity, params } = route;
  const asOf = params.asOf || undefined;
  const mergePolicy = params.mergePolicy || undefined;
  const heading = h('h1', {}, h('span', { class: 'ns' }, identity.namespace), ' ', identity.id);
  append(page, heading);
  const toolbar = h('div', { class: 'toolbar' });
  page.append(toolbar);
  const [profile, policies, settings] = await Promise.allSettled([
    api.profile(identity, { asOf, mergePolicy }), api.mergePolicies(), api.settings(),
  ]);
  append(toolbar, policySelect(route, policies), asOfPicker(route));
  if (asOf) page.append(h('p', { class: 'as-of-note', role: 'note', 'data-testid': 'as-of-note' },
    `Showing what the service knew at ${formatTime(asOf)}.`));
  if (profile.status === 'rejected') {
    page.append(errorBox(profile.reason));
    return;
  }
  const canonical = canonicalIdentity(profile.value, identity);
  if (canonical.id !== identity.id) {
    // The service normalised what was typed (trim, lower-cased email): show and link the stored value.
    history.replaceState(null, '', profileHref(canonical, params));
    replace(heading, h('span', { class: 'ns' }, canonical.namespace), ' ', canonical.id);
  }
  renderSections(page, canonical, profile.value, { asOf, why: params.why, typeOf: typeLookup(profile.value, settings) });
}

function canonicalIdentity(profile, typed) {
  const wanted = typed.id.trim().toLowerCase();
  const match = (profile.identities ?? []).find((known) =>
    known.namespace === typed.namespace && known.id.toLowerCase() === wanted);
  return match ? { namespace: match.namespace, id: match.id } : typed;
}

function renderSections(page, identity, profile, { asOf, why, typeOf }) {
  const graph = graphPanel(identity, { asOf, typeOf });
  const timeline = timelineView(identity, { asOf });
  const history = historyView(identity, { asOf });
  append(page, h('div', { class: 'profile-grid' },
    h('div', { class: 'column' }, summaryView(profile), identitiesView(profile), attributesView(profile), computedView(profile, { asOf }),
      membershipsView(identity, profile, { asOf, why })),
    h('div', { class: 'column' }, graph.view)),
  tabs([
    { id: 'timeline', label: 'Timeline', view: timeline.view, start: timeline.start },
    { id: 'history', label: 'History', view: history.view, start: history.start },
  ]));
  void graph.start();
}

/** Accessible tabs: arrow keys move between them; a panel loads the first time it is shown. */
function tabs(definitions) {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Profile activity' });
  const panels = h('div', {});
  const buttons = definitions.map((tab, index) => {
    const panel = h('div', { role: 'tabpanel', id: `panel-${tab.id}`, 'aria-labelledby': `tab-${tab.id}`, tabindex: 0 });
    panels.append(panel);
    const button = h('button', { type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': panel.id,
      onclick: () => select(index), onkeydown: (event) => arrows(event, index) }, tab.label);
    list.append(button);
    return { button, panel, tab, rendered: false };
  });
  const select = (index, focus = false) => buttons.forEach((entry, at) => {
    const active = at === index;
    entry.button.setAttribute('aria-selected', String(active));
    entry.button.tabIndex = active ? 0 : -1;
    entry.panel.hidden = !active;
    if (active && !entry.rendered) {
      entry.rendered = true;
      entry.panel.append(entry.tab.view);
      void entry.tab.start();
    }
    if (active && focus) entry.button.focus();
  });
  const arrows = (event, index) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) select((index + step + buttons.length) % buttons.length, true);
  };
  select(0);
  return h('section', { class: 'card activity', 'aria-label': 'Activity' }, list, panels);
}

function policySelect(route, policies) {
  const select = h('select', { id: 'merge-policy', name: 'mergePolicy' });
  const items = policies.status === 'fulfilled' ? pageOf(policies.value).items : [];
  select.append(h('option', { value: '' }, 'Default policy'));
  for (const policy of items) {
    const label = `${policy.id}${policy.default ? ' (default)' : ''} — ${describePolicy(policy)}`;
    select.append(h('option', { value: policy.id }, label));
  }
  select.value = route.params.mergePolicy ?? '';
  select.addEventListener('change', () => {
    location.hash = profileHref(route.identity, { ...route.params, mergePolicy: select.value });
  });
  return h('div', { class: 'field' }, h('label', { for: 'merge-policy' }, 'Merge policy'), select);
}

function describePolicy(policy) {
  const merge = policy.attributeMerge ?? {};
  const order = merge.type === 'sourcePrecedence' && merge.order ? ` (${merge.order.join(' > ')})` : '';
  return `${merge.type ?? '?'}${order}, stitching ${policy.identityStitching ?? 'graph'}`;
}

/** A form, not a live input: a datetime-local changes with every segment typed, and each change is a full reload. */
function asOfPicker(route) {
  const input = h('input', { id: 'as-of', name: 'asOf', type: 'datetime-local', step: 1,
    value: isoToLocalInput(route.params.asOf) });
  const go = (asOf) => { location.hash = profileHref(route.identity, { ...route.params, asOf }); };
  // novalidate: a time to the millisecond (pasted from the API) is a step mismatch for step=1 yet a fine asOf.
  const form = h('form', { class: 'field as-of', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const asOf = localInputToIso(input.value);
    if (asOf) go(asOf);
  } },
  h('label', { for: 'as-of' }, 'As of'),
  h('div', { class: 'row' }, input,
    h('button', { type: 'submit', id: 'as-of-show' }, 'Show'),
    h('button', { type: 'button', id: 'as-of-now', disabled: !route.params.asOf, onclick: () => go('') }, 'Now')));
  return form;
}

/** Namespace types for drawing: the profile's own identities first, the settings for anything else. */
function typeLookup(profile, settings) {
  const types = new Map();
  if (settings.status === 'fulfilled') for (const ns of settings.value.namespaces ?? []) types.set(ns.code, ns.type);
  for (const identity of profile.identities ?? []) if (identity.type) types.set(identity.namespace, identity.type);
  return (namespace) => types.get(namespace);
}
