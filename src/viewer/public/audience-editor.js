import { api } from './api.js';
import { h, append, errorBox } from './dom.js';
import { profileHref } from './router.js';
import { audienceMembersView } from './audience-members.js';

const EXAMPLE = { and: [{ event: { type: 'purchase' }, window: { last: '30d' } }, { identity: 'Email', op: 'exists' }] };
const PREVIEW_DELAY_MS = 300;
const SAMPLE = 5;

/** An audience's definition: name, description and condition (JSON), with a live count of who matches now. */
export async function renderAudienceEditor(page, audienceId) {
  const isNew = audienceId === 'new';
  let current;
  if (!isNew) {
    try {
      current = await api.audience(audienceId);
    } catch (error) {
      append(page, h('h1', {}, audienceId), errorBox(error));
      return;
    }
  }
  const fields = editorFields(isNew, current);
  const preview = h('div', { class: 'preview', role: 'status', 'aria-live': 'polite', 'data-testid': 'audience-preview' });
  const problems = h('ul', { class: 'problems', 'data-testid': 'audience-problems' });
  const status = h('p', { class: 'status', role: 'status' });
  const form = h('form', { class: 'audience-editor', onsubmit: (event) => {
    event.preventDefault();
    void save(fields, problems, status);
  } },
  fields.view,
  h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'audience-save' }, isNew ? 'Create' : 'Save'),
    isNew ? null : h('button', { type: 'button', id: 'audience-delete', onclick: () => void remove(audienceId, status) }, 'Delete')));
  append(page, h('p', {}, h('a', { href: '#/audiences' }, '← Audiences')),
    h('h1', {}, isNew ? 'New audience' : current.name),
    current ? h('p', { class: 'muted' }, `${current.id} · version ${current.version} · ${current.status} · ${current.size} members`) : null,
    h('div', { class: 'profile-grid' }, h('div', { class: 'column' }, form, problems, status),
      h('div', { class: 'column' }, h('h2', {}, 'Preview'), preview)));
  livePreview(fields.condition, preview, problems);
  if (!isNew) void showMembersWhenReady(page, current);
}

const POLL_MS = 500;

/** Members are shown once the backfill is done (a partial list would be wrong); until then, its progress. */
async function showMembersWhenReady(page, current) {
  const note = h('p', { class: 'status', role: 'status', 'data-testid': 'audience-backfill' });
  page.append(note);
  let audience = current;
  while (audience.status !== 'ready' && page.isConnected) {
    const progress = audience.progress ? ` (${audience.progress.done} of ${audience.progress.total} profiles)` : '';
    note.textContent = `Finding the members of this version${progress}…`;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    try {
      audience = await api.audience(current.id);
    } catch (error) {
      note.replaceChildren(errorBox(error));
      return;
    }
  }
  note.remove();
  if (page.isConnected) page.append(audienceMembersView(current.id));
}

function editorFields(isNew, current) {
  const id = h('input', { id: 'audience-id', name: 'id', required: true, pattern: '[A-Za-z][A-Za-z0-9_]{0,63}',
    value: current?.id ?? '', readonly: !isNew, autocomplete: 'off', spellcheck: 'false' });
  const name = h('input', { id: 'audience-name', name: 'name', required: true, maxlength: 200, value: current?.name ?? '' });
  const description = h('input', { id: 'audience-description', name: 'description', maxlength: 2000, value: current?.description ?? '' });
  const condition = h('textarea', { id: 'audience-condition', name: 'condition', rows: 14, spellcheck: 'false',
    class: 'code' });
  condition.value = JSON.stringify(current?.condition ?? EXAMPLE, null, 2);
  const field = (input, label) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
  return { id, name, description, condition,
    view: [field(id, 'Id'), field(name, 'Name'), field(description, 'Description'), field(condition, 'Condition (JSON)')] };
}

/** Counts again a moment after the last keystroke; an answer to an older text is dropped. */
function livePreview(textarea, preview, problems) {
  let timer;
  let asked = 0;
  const run = async () => {
    const ticket = ++asked;
    const condition = parseCondition(textarea.value, problems);
    if (condition === undefined) {
      preview.replaceChildren(h('p', { class: 'muted' }, 'Not JSON yet.'));
      return;
    }
    try {
      const result = await api.previewAudience({ condition, limit: SAMPLE });
      if (ticket !== asked) return;
      showProblems(problems, []);
      preview.replaceChildren(h('p', {}, h('strong', { 'data-testid': 'preview-size' }, String(result.size)),
        result.size === 1 ? ' profile matches now' : ' profiles match now'), sampleList(result.sample));
    } catch (error) {
      if (ticket !== asked) return;
      preview.replaceChildren(h('p', { class: 'muted' }, 'No count while the condition is invalid.'));
      showProblems(problems, error.details?.length ? error.details : [{ message: error.message }]);
    }
  };
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), PREVIEW_DELAY_MS);
  });
  void run();
}

function sampleList(sample) {
  if (!sample.length) return null;
  return h('ul', { class: 'sample' }, sample.map((member) => h('li', {},
    member.primaryIdentity ? h('a', { href: profileHref(member.primaryIdentity) }, `${member.primaryIdentity.namespace}:${member.primaryIdentity.id}`) : member.profileId)));
}

function parseCondition(text, problems) {
  try {
    return JSON.parse(text);
  } catch (error) {
    showProblems(problems, [{ path: 'condition', message: `Not JSON: ${error.message}` }]);
    return undefined;
  }
}

function showProblems(list, details) {
  list.replaceChildren(...details.map((d) => h('li', { class: 'error' }, d.path ? h('code', {}, d.path) : null, d.path ? ' ' : null, d.message)));
}

async function save(fields, problems, status) {
  const condition = parseCondition(fields.condition.value, problems);
  if (condition === undefined) return;
  const body = { name: fields.name.value.trim(), condition };
  if (fields.description.value.trim()) body.description = fields.description.value.trim();
  try {
    const saved = await api.saveAudience(fields.id.value.trim(), body);
    showProblems(problems, []);
    status.textContent = `Saved version ${saved.version} (${saved.status}).`;
    const href = `#/audiences/${encodeURIComponent(saved.id)}`;
    if (location.hash !== href) location.hash = href;
  } catch (error) {
    showProblems(problems, error.details?.length ? error.details : []);
    status.replaceChildren(errorBox(error));
  }
}

async function remove(audienceId, status) {
  if (!confirm(`Delete audience ${audienceId}?`)) return;
  try {
    await api.deleteAudience(audienceId);
    location.hash = '#/audiences';
  } catch (error) {
    status.replaceChildren(errorBox(error));
  }
}
