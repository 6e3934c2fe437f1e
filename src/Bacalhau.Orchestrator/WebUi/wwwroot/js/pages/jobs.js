// A page of jobs, newest first, filtered by the server (state, label, name); an ID prefix opens that job.
import { ApiError, get, query } from '../api.js';
import { age, h, jobLink, labels, stateBadge } from '../dom.js';

const PAGE_SIZE = 50;
const STATES = ['', 'Pending', 'Queued', 'Running', 'Completed', 'Failed', 'Stopped'];

export async function render(view, { params }, signal) {
  const state = params.get('state') ?? '';
  const label = params.get('label') ?? '';
  const search = params.get('q') ?? '';
  const token = params.get('next') ?? '';

  const form = h('form', { class: 'filters', id: 'job-filters' },
    h('label', {}, 'State', h('select', { name: 'state' }, STATES.map(s => h('option', { value: s, selected: s === state }, s || 'any')))),
    h('label', {}, 'Label', h('input', { name: 'label', value: label, placeholder: 'key or key=value' })),
    h('label', {}, 'ID prefix or name', h('input', { name: 'q', value: search, placeholder: 'j-1a2b… or name' })),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    // An ID prefix names one job: open it rather than list names containing it.
    if (/^j-[0-9a-f-]{4,}$/i.test(values.q)) {
      try {
        const found = await get(`/api/v1/orchestrator/jobs/${encodeURIComponent(values.q)}`, { signal });
        location.hash = `#/jobs/${encodeURIComponent(found.Job.ID)}`;
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    }
    location.hash = `#/jobs${query({ state: values.state, label: values.label, q: values.q })}`;
  });
  view.append(h('h1', {}, 'Jobs'), form);

  const page = await get(`/api/v1/orchestrator/jobs${query({ limit: PAGE_SIZE, reverse: true, next_token: token, state, label, name: search })}`, { signal });
  const now = Date.now();
  const rows = page.Items.map(job => h('tr', { 'data-job-id': job.ID },
    h('td', {}, jobLink(job.ID)),
    h('td', {}, job.Name),
    h('td', {}, job.Type),
    h('td', {}, stateBadge(job.State.StateType)),
    h('td', {}, job.Count),
    h('td', { class: 'mono' }, labels(job.Labels)),
    h('td', {}, age(job.CreateTime, now))));
  view.append(
    h('table', { id: 'jobs-table' },
      h('thead', {}, h('tr', {}, ['ID', 'Name', 'Type', 'State', 'Count', 'Labels', 'Age'].map(c => h('th', {}, c)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No jobs')))),
    h('div', { class: 'pager' },
      token ? h('a', { href: `#/jobs${query({ state, label, q: search })}` }, 'First page') : null,
      page.NextToken ? h('a', { href: `#/jobs${query({ state, label, q: search, next: page.NextToken })}`, id: 'next-page' }, 'Next page') : null));
}
