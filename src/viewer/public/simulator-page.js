import { api } from './api.js';
import { h, append, keyOf, replace, errorBox } from './dom.js';
import { linkList, renderGraph, toDrawable } from './graph-view.js';
import { namespaceEditor } from './namespace-editor.js';

const EXAMPLE = 'CRMID: Tom, ECID: 111\nCRMID: Summer, ECID: 111';

/**
 * Try linking rules without storing anything: namespaces in priority order with their unique flags, one event
 * per line, and the graphs the service would build, with the links it would remove drawn dashed.
 */
export async function renderSimulatorPage(page) {
  const editor = namespaceEditor(await initialNamespaces());
  const events = h('textarea', { id: 'sim-events', name: 'events', rows: 8, spellcheck: 'false',
    'aria-describedby': 'sim-events-hint' }, EXAMPLE);
  const result = h('section', { class: 'sim-result', 'aria-live': 'polite', 'data-testid': 'sim-result' });
  const form = h('form', { class: 'simulator', onsubmit: (event) => {
    event.preventDefault();
    void simulate(editor.value(), events.value, result);
  } },
  editor.view,
  h('div', { class: 'field' },
    h('label', { for: 'sim-events' }, 'Events'),
    h('p', { class: 'hint', id: 'sim-events-hint' },
      'One event per line: "Namespace: value" pairs separated by commas. Line n happens at time n.'),
    events),
  h('button', { type: 'submit', class: 'primary', id: 'sim-run' }, 'Simulate'));
  append(page, h('h1', {}, 'Identity graph simulator'),
    h('p', { class: 'muted' }, 'Nothing here is stored: the service replays these events under these rules only.'),
    form, result);
}

async function initialNamespaces() {
  try {
    return (await api.settings()).namespaces ?? [];
  } catch {
    return [{ code: 'CRMID', type: 'person', unique: true }, { code: 'Email', type: 'email', unique: false },
      { code: 'ECID', type: 'cookie', unique: false }];
  }
}

async function simulate(namespaces, text, result) {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  replace(result, h('p', { class: 'muted' }, 'Simulating…'));
  try {
    const body = await api.simulate({ namespaces, events: lines });
    renderResult(result, body, namespaces, lines);
  } catch (error) {
    replace(result, errorBox(error), detailsList(error.details));
  }
}

function renderResult(result, body, namespaces, lines) {
  const types = new Map(namespaces.map((ns) => [ns.code, ns.type]));
  const graphs = body.graphs ?? [];
  const removed = body.removedLinks ?? [];
  const drawable = toDrawable({
    identities: graphs.flatMap((graph) => graph.identities ?? []),
    links: graphs.flatMap((graph) => graph.links ?? []),
    removedLinks: removed,
  }, (namespace) => types.get(namespace));
  replace(result,
    h('h2', {}, `${graphs.length} graph${graphs.length === 1 ? '' : 's'}`),
    drawable.nodes.length ? [renderGraph(drawable, { label: 'Simulated identity graphs' }), linkList(drawable)] : null,
    h('ol', { class: 'sim-graphs' }, graphs.map((graph, index) => h('li', { class: 'sim-graph', 'data-testid': 'sim-graph' },
      h('strong', {}, `Graph ${index + 1}: `),
      (graph.identities ?? []).map(keyOf).sort().join(', ')))),
    removed.length ? h('div', {}, h('h3', {}, 'Removed links'), h('ul', { class: 'sim-removed' }, removed.map((link) =>
      h('li', { 'data-testid': 'sim-removed-link' }, `${keyOf(link.from)} — ${keyOf(link.to)}`,
        link.removedBy !== undefined ? ` (removed by event ${describeRemover(link.removedBy, lines)})` : '',
        link.reason ? `: ${link.reason}` : ''))))
      : null,
    rejectedList(body.rejected ?? [], lines));
}

function describeRemover(removedBy, lines) {
  if (typeof removedBy === 'number') return `${removedBy + 1}: ${lines[removedBy] ?? ''}`;
  return String(removedBy);
}

function rejectedList(rejected, lines) {
  if (rejected.length === 0) return null;
  return h('div', { role: 'alert' }, h('h3', {}, 'Rejected events'), h('ul', {}, rejected.map((item) =>
    h('li', { 'data-testid': 'sim-rejected' }, `line ${item.index + 1} (${lines[item.index] ?? ''}): ${item.reason}`))));
}

function detailsList(details) {
  if (!Array.isArray(details) || details.length === 0) return null;
  return h('ul', { class: 'error-details' }, details.map((detail) =>
    h('li', {}, [detail.path, detail.message ?? JSON.stringify(detail)].filter(Boolean).join(': '))));
}
