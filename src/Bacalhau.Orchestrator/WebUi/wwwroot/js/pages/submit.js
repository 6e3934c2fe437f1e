// Paste or upload a job spec (Bacalhau's format, YAML or JSON); the API validates it, and each error it names a field
// of is shown beside that field's line of the spec.
import { ApiError, request } from '../api.js';
import { h } from '../dom.js';

const EXAMPLE = `Type: batch
Count: 1
Tasks:
  - Name: main
    Engine:
      Type: noop
`;

/** `Tasks[0].Engine.Type: unknown engine 'x'; Count: ...` → [{field, message}] (a part naming no field has none). */
export function fieldErrors(message) {
  return message.split(/;\s+(?=[A-Za-z][\w.[\]]*:\s)/).map(part => {
    const match = part.match(/^([A-Za-z][\w]*(?:\[\d+\]|\.[A-Za-z]\w*)*):\s(.*)$/s);
    return match ? { field: match[1], message: match[2] } : { field: null, message: part };
  });
}

/** The line of the spec that holds the field, found by its path's keys in order; -1 when it is not written. */
function lineOf(lines, field) {
  let line = 0;
  let found = -1;
  for (const key of field.split(/[.[\]]+/).filter(k => k && !/^\d+$/.test(k))) {
    const pattern = new RegExp(`(^|[\\s{,"-])"?${key}"?\\s*:`, 'i');
    const index = lines.findIndex((text, i) => i >= line && pattern.test(text));
    if (index < 0) return found;
    found = index;
    line = index + 1;
  }
  return found;
}

function annotated(text, errors) {
  const lines = text.split('\n');
  const byLine = new Map();
  const unplaced = [];
  for (const error of errors) {
    const index = error.field ? lineOf(lines, error.field) : -1;
    if (index < 0) unplaced.push(error);
    else byLine.set(index, [...(byLine.get(index) ?? []), error]);
  }
  const item = error => h('li', { 'data-field': error.field ?? '' }, error.field ? h('span', { class: 'field' }, error.field) : null, error.message);
  return [
    unplaced.length ? h('ul', { class: 'field-errors' }, unplaced.map(item)) : null,
    byLine.size ? h('table', { class: 'spec-lines' }, h('tbody', {}, lines.map((text, i) => h('tr', {},
      h('td', { class: 'muted mono' }, i + 1),
      h('td', { class: 'mono' }, byLine.has(i) ? h('mark', {}, text) : text),
      h('td', {}, byLine.has(i) ? h('ul', { class: 'field-errors' }, byLine.get(i).map(item)) : null))))) : null,
  ];
}

export async function render(view, _, signal) {
  const spec = h('textarea', { id: 'job-spec-input', name: 'spec', spellcheck: 'false', 'aria-label': 'Job spec' });
  spec.value = EXAMPLE;
  const file = h('input', { type: 'file', accept: '.yaml,.yml,.json,application/json,application/yaml' });
  file.addEventListener('change', async () => { if (file.files[0]) spec.value = await file.files[0].text(); });
  const outcome = h('div', { id: 'submit-result' });
  const form = h('form', { class: 'submit', id: 'submit-form' },
    h('p', {}, 'Paste a job spec (YAML or JSON, as for ', h('code', {}, 'bacalhau job run'), ') or load a file: ', file),
    spec,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'submit-job' }, 'Submit')),
    outcome);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Submitting…'));
    const text = spec.value;
    // A JSON body of the API's own shape ({"Job": {...}}) goes as it is; anything else is a spec file.
    let wrapped = false;
    try { wrapped = text.trimStart().startsWith('{') && Object.hasOwn(JSON.parse(text), 'Job'); } catch { /* the server says what is wrong */ }
    try {
      const answer = await request('PUT', '/api/v1/orchestrator/jobs', { body: text, contentType: wrapped ? 'application/json' : 'application/yaml', signal });
      location.hash = `#/jobs/${encodeURIComponent(answer.JobID)}`;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      outcome.replaceChildren(h('p', { class: 'error' }, 'The spec was refused:'), ...annotated(text, fieldErrors(error.message)));
    }
  });
  view.append(h('h1', {}, 'Submit a job'), form);
}
