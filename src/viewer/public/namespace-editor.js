import { h } from './dom.js';

const TYPES = ['person', 'email', 'phone', 'device', 'cookie', 'partner', 'nonPerson'];
const UNIQUE_CAPABLE = new Set(['person', 'email', 'phone']);

/**
 * An ordered list of namespaces (first = highest priority) with type and unique flag, edited with real buttons:
 * move up, move down, remove, add. `value()` returns the settings shape the simulator takes.
 */
export function namespaceEditor(initial) {
  const rows = h('ol', { class: 'ns-rows', 'data-testid': 'ns-rows' });
  const addRow = (ns) => rows.append(namespaceRow(ns));
  for (const ns of initial) addRow(ns);
  const add = h('button', { type: 'button', id: 'ns-add', onclick: () => {
    addRow({ code: '', type: 'person', unique: false });
    rows.lastElementChild.querySelector('input[name="code"]').focus();
  } }, 'Add namespace');
  const clear = h('button', { type: 'button', id: 'ns-clear', onclick: () => rows.replaceChildren() }, 'Remove all');
  const view = h('fieldset', { class: 'ns-editor' },
    h('legend', {}, 'Namespaces, highest priority first'), rows, h('div', { class: 'row' }, add, clear));
  const value = () => [...rows.children].map((row) => ({
    code: row.querySelector('[name="code"]').value.trim(),
    type: row.querySelector('[name="type"]').value,
    unique: row.querySelector('[name="unique"]').checked,
  })).filter((ns) => ns.code);
  return { view, value };
}

let rowCounter = 0;

function namespaceRow(ns) {
  const n = ++rowCounter;
  const code = h('input', { id: `ns-code-${n}`, name: 'code', value: ns.code, required: true, autocomplete: 'off',
    spellcheck: 'false' });
  const type = h('select', { id: `ns-type-${n}`, name: 'type' }, TYPES.map((t) => h('option', { value: t }, t)));
  type.value = ns.type;
  const unique = h('input', { id: `ns-unique-${n}`, name: 'unique', type: 'checkbox', checked: Boolean(ns.unique) });
  const syncUnique = () => {
    // Only person, email and phone namespaces may be unique (API.md); say so instead of letting the API refuse.
    unique.disabled = !UNIQUE_CAPABLE.has(type.value);
    if (unique.disabled) unique.checked = false;
  };
  type.addEventListener('change', syncUnique);
  syncUnique();
  const row = h('li', { class: 'ns-row', 'data-testid': 'ns-row' },
    h('label', { for: code.id }, 'Code'), code,
    h('label', { for: type.id }, 'Type'), type,
    h('label', { class: 'check', for: unique.id }, unique, 'Unique'),
    h('span', { class: 'row-actions' },
      h('button', { type: 'button', 'aria-label': 'Move up', title: 'Move up', onclick: () => move(row, -1) }, '↑'),
      h('button', { type: 'button', 'aria-label': 'Move down', title: 'Move down', onclick: () => move(row, 1) }, '↓'),
      h('button', { type: 'button', 'aria-label': 'Remove', title: 'Remove', onclick: () => removeRow(row) }, '✕')));
  return row;
}

function move(row, direction) {
  const sibling = direction < 0 ? row.previousElementSibling : row.nextElementSibling;
  if (!sibling) return;
  if (direction < 0) sibling.before(row);
  else sibling.after(row);
  row.querySelector(`[aria-label="${direction < 0 ? 'Move up' : 'Move down'}"]`).focus();
}

function removeRow(row) {
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  (next?.querySelector('input[name="code"]') ?? document.getElementById('ns-add'))?.focus();
}
