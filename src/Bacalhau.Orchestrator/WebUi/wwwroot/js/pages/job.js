// One job: spec, executions, history as a timeline, results, and the logs of its latest execution, followed live.
import { get, request, streamLogs } from '../api.js';
import { h, nodeLink, stateBadge, time } from '../dom.js';

// A job's revision changes with its own state, not with its executions': while it runs, the page asks every second
// (a blocking query that answers at once on a change of the job); once it has finished, it waits for a change.
const WAIT_FINISHED = '30s';
const WAIT_RUNNING = '1s';
const FINISHED = new Set(['Completed', 'Failed', 'Stopped']);
// Executions that have started on a node, and so have logs to show.
const STARTED = new Set(['Running', 'Publishing', 'Completed', 'Failed', 'Cancelled']);

function executionsTable(items) {
  return h('table', { id: 'job-executions' },
    h('thead', {}, h('tr', {}, ['Execution', 'Node', 'State', 'Exit code', 'Created', 'Modified', 'Message'].map(c => h('th', {}, c)))),
    h('tbody', {}, items.length
      ? items.map(e => h('tr', { 'data-execution-id': e.ID },
        h('td', { class: 'mono' }, e.ID),
        h('td', {}, nodeLink(e.NodeID)),
        h('td', {}, stateBadge(e.ComputeState.StateType)),
        h('td', {}, e.RunOutput ? e.RunOutput.ExitCode : '-'),
        h('td', {}, time(e.CreateTime)),
        h('td', {}, time(e.ModifyTime)),
        h('td', {}, e.ComputeState.Message)))
      : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'None yet'))));
}

function describe(entry) {
  if (entry.JobState) return [`job ${entry.JobState.Previous} → `, stateBadge(entry.JobState.New)];
  if (entry.ExecutionState) return [`execution ${entry.ExecutionID.slice(0, 10)} ${entry.ExecutionState.Previous} → `, stateBadge(entry.ExecutionState.New)];
  return [entry.Type];
}

const timeline = items => h('ol', { class: 'timeline', id: 'job-history' },
  items.map(entry => h('li', {}, time(entry.Time), describe(entry), entry.Event?.Message ? h('span', { class: 'muted' }, ` ${entry.Event.Message}`) : null)));

function resultLinks(results) {
  if (!results.length) return h('p', { class: 'muted' }, 'No published results yet.');
  return h('ul', { id: 'job-results' }, results.map(result => {
    const params = result.Params ?? {};
    const href = params.CID ? `/ipfs/${encodeURIComponent(params.CID)}` : params.URL;
    return h('li', {}, `${result.Type}: `, href && /^(https?:|\/)/.test(href) ? h('a', { href, rel: 'noopener noreferrer' }, href) : (params.CID ?? params.URL ?? ''));
  }));
}

export async function render(view, { id }, signal) {
  const path = `/api/v1/orchestrator/jobs/${encodeURIComponent(id)}`;
  const header = h('div');
  const spec = h('pre', { id: 'job-spec' });
  const executions = h('div');
  const history = h('div');
  const results = h('div');
  const logState = h('p', { class: 'muted', id: 'job-log-state' }, 'Waiting for an execution to start…');
  const logs = h('pre', { id: 'job-logs' });
  const stop = h('button', { class: 'danger', id: 'stop-job' }, 'Stop job');
  view.append(header, h('div', { class: 'actions' }, stop),
    h('h2', {}, 'Executions'), executions,
    h('h2', {}, 'Logs'), logState, logs,
    h('h2', {}, 'History'), history,
    h('h2', {}, 'Results'), results,
    h('h2', {}, 'Spec'), spec);
  stop.addEventListener('click', () => request('DELETE', `${path}?reason=${encodeURIComponent('stopped from the web UI')}`, { signal }));

  let following = null;
  const follow = execution => {
    following = execution.ID;
    logs.replaceChildren();
    logState.textContent = `Execution ${execution.ID} on ${execution.NodeID}`;
    streamLogs(id, execution.ID, {
      follow: true,
      signal,
      onLine: line => {
        logs.append(h('span', { class: line.type }, `${line.line}\n`));
        logs.scrollTop = logs.scrollHeight;
      },
      onEvent: (name, data) => {
        if (name === 'error') logState.append(h('span', { class: 'error' }, ` ${data}`));
        if (name === 'end') logState.append(' (ended)');
      },
    });
  };

  // The dashboard that receives the traces, when the orchestrator knows one: its list of traces filtered to this job.
  const { DashboardUrl: dashboard } = await get('/ui/settings.json', { signal });
  const traces = jobId => (dashboard
    ? [h('p', {}, h('a', {
      id: 'job-traces',
      href: `${dashboard.replace(/\/+$/, '')}/traces?filters=${encodeURIComponent(`bacalhau.job.id:equals:${jobId}`)}`,
      target: '_blank',
      rel: 'noopener noreferrer',
    }, 'Traces in the dashboard'))]
    : []);

  let revision = null;
  let finished = false;
  while (!signal.aborted) {
    const answer = await get(`${path}?include=executions,history${revision === null ? '' : `&index=${revision}&wait=${finished ? WAIT_FINISHED : WAIT_RUNNING}`}`, { signal });
    const job = answer.Job;
    const items = answer.Executions?.Items ?? [];
    const latest = items.filter(e => STARTED.has(e.ComputeState.StateType)).sort((a, b) => b.CreateTime - a.CreateTime)[0];
    if (latest && latest.ID !== following) follow(latest);
    finished = FINISHED.has(job.State.StateType);
    revision = job.Revision;
    header.replaceChildren(
      h('h1', {}, 'Job ', h('span', { class: 'mono', id: 'job-id' }, job.ID)),
      h('p', {}, job.Name ? `${job.Name} · ` : '', `${job.Type} × ${job.Count} · `, h('span', { id: 'job-state' }, stateBadge(job.State.StateType)),
        job.State.Message ? h('span', { class: 'muted' }, ` ${job.State.Message}`) : null),
      ...traces(job.ID));
    stop.disabled = finished;
    spec.textContent = JSON.stringify({ Name: job.Name, Type: job.Type, Count: job.Count, Labels: job.Labels, Constraints: job.Constraints, Tasks: job.Tasks }, null, 2);
    executions.replaceChildren(executionsTable(items));
    history.replaceChildren(timeline(answer.History?.Items ?? []));
    results.replaceChildren(resultLinks(items.filter(e => e.ComputeState.StateType === 'Completed' && e.PublishedResult).map(e => e.PublishedResult)));
  }
}
