import { api, pageOf } from './api.js';
import { h, append, keyOf, replace, errorBox, formatTime, timeEl } from './dom.js';
import { linkList, renderGraph, toDrawable } from './graph-view.js';
import { changesGraph, entryTitle, loggedAt } from './history-view.js';

const REPLAY_LIMIT = 1000;

/**
 * The identity graph with a replay slider. Each slider step is a moment in the log at which this profile's graph
 * changed; moving it re-fetches the graph `asOf` just after that moment, so the drawing shows how the graph grew,
 * merged and split. The last step is the page's own time (now, or the page's as-of).
 */
export function graphPanel(identity, { asOf, typeOf }) {
  const drawing = h('div', { class: 'graph-drawing', 'aria-live': 'polite' });
  const explain = h('div', { class: 'explain', 'data-testid': 'explain' });
  let sequence = 0;
  const show = async (stepAsOf) => {
    const mine = ++sequence;
    try {
      const graph = await api.graph(identity, { asOf: stepAsOf });
      if (mine !== sequence) return;
      const onSelect = (node) => void explainPath(identity, node, asOf, explain);
      const drawable = toDrawable(graph, typeOf);
      replace(drawing, renderGraph(drawable, { onSelect, label: `Identity graph of ${keyOf(identity)}` }),
        graphCounts(graph), linkList(drawable));
    } catch (error) {
      if (mine === sequence) replace(drawing, errorBox(error));
    }
  };
  const view = h('section', { class: 'card graph-panel', 'aria-labelledby': 'graph-title' },
    h('h2', { id: 'graph-title' }, 'Identity graph'),
    replayControl(identity, asOf, show),
    drawing,
    h('p', { class: 'hint' }, 'Select an identity to see the chain of links that joins it to this profile.'),
    explain);
  return { view, start: () => show(asOf) };
}

/**
 * The replay reads the profile's whole history, so it loads when asked for rather than with every page view;
 * then a range input steps through the moments the graph changed.
 */
function replayControl(identity, asOf, show) {
  const holder = h('div', { class: 'field replay' });
  const button = h('button', { type: 'button', id: 'graph-replay-load' }, 'Replay how this graph grew');
  button.addEventListener('click', async () => {
    button.disabled = true;
    const steps = await replaySteps(identity, asOf);
    const last = steps.length - 1;
    const slider = h('input', { id: 'graph-replay', type: 'range', min: 0, max: last, value: last, step: 1 });
    const caption = h('output', { for: 'graph-replay', class: 'replay-caption', 'data-testid': 'replay-caption' },
      stepLabel(steps, last));
    slider.addEventListener('input', () => {
      const index = Number(slider.value);
      caption.textContent = stepLabel(steps, index);
      void show(index >= last ? asOf : steps[index].asOf);
    });
    replace(holder, h('label', { for: 'graph-replay' }, 'Replay'), slider, caption);
    slider.focus();
  });
  return append(holder, button);
}

/** The moments the graph changed, from the profile's history (one page: the API's largest). */
async function replaySteps(identity, asOf) {
  let items = [];
  try {
    items = pageOf(await api.history(identity, { asOf, limit: REPLAY_LIMIT })).items.filter(changesGraph);
  } catch {
    // Without a history there is nothing to replay; the graph itself is still shown.
  }
  const steps = [];
  for (const entry of items) {
    const at = loggedAt(entry);
    const time = at ? new Date(at).getTime() : NaN;
    if (Number.isNaN(time)) continue;
    // asOf counts what was appended before it: one millisecond later includes this entry.
    const step = { asOf: new Date(time + 1).toISOString(), at, title: entryTitle(entry) };
    if (steps.length && steps[steps.length - 1].at === at) steps[steps.length - 1] = step;
    else steps.push(step);
  }
  steps.push({ asOf, at: asOf, title: asOf ? 'as of the page time' : 'now' });
  return steps;
}

function stepLabel(steps, index) {
  const step = steps[index];
  if (!step) return '';
  if (index === steps.length - 1) return `Step ${index + 1} of ${steps.length}: ${step.title}`;
  return `Step ${index + 1} of ${steps.length}: ${formatTime(step.at)}, ${step.title}`;
}

function graphCounts(graph) {
  const removed = graph.removedLinks?.length ?? 0;
  return h('p', { class: 'muted graph-counts', 'data-testid': 'graph-counts' },
    `${graph.identities?.length ?? 0} identities, ${graph.links?.length ?? 0} links`,
    removed ? `, ${removed} removed (dashed; hover for the reason)` : '');
}

async function explainPath(identity, node, asOf, target) {
  if (node.key === keyOf(identity)) {
    replace(target, h('p', { class: 'muted' }, `${node.key} is the identity this profile was looked up by.`));
    return;
  }
  replace(target, h('p', { class: 'muted' }, `Explaining ${node.key}…`));
  try {
    const body = await api.explain(identity, { to: node.key, asOf });
    const chain = body?.chain ?? body?.steps ?? body?.links ?? body?.path ?? [];
    if (chain.length === 0) {
      replace(target, h('p', { class: 'muted' }, `${node.key} is the identity this profile was looked up by.`));
      return;
    }
    replace(target, h('h3', {}, `How ${node.key} joins ${keyOf(identity)}`),
      h('ol', { class: 'chain', 'data-testid': 'explain-chain' }, chain.map(chainStep)));
  } catch (error) {
    const message = error.status === 404 ? `${node.key} is not in this graph any more.` : null;
    replace(target, message ? h('p', { class: 'muted' }, message) : errorBox(error));
  }
}

/** One hop: its two ends, and the link's sources, times and the item that created it. */
function chainStep(step) {
  const link = step.link ?? step;
  return h('li', {},
    `${keyOf(step.from ?? link.from ?? link.a)} — ${keyOf(step.to ?? link.to ?? link.b)}`,
    link.sources?.length ? ` · ${link.sources.join(', ')}` : '',
    link.firstSeen ? [' · first seen ', timeEl(link.firstSeen)] : '',
    link.lastSeen ? [' · last seen ', timeEl(link.lastSeen)] : '',
    creatorText(link.createdBy ?? step.createdBy));
}

function creatorText(creator) {
  if (!creator) return '';
  if (typeof creator === 'string') return ` · created by ${creator}`;
  const what = [creator.kind, creator.id].filter(Boolean).join(' ') || creator.eventId;
  return [` · created by ${what}`, creator.source ? ` from ${creator.source}` : '',
    creator.recordedAt ? [', logged ', timeEl(creator.recordedAt)] : ''];
}
