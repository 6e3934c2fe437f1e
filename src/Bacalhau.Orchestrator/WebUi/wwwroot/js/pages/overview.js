// Nodes and jobs by state, and a live plot of jobs completed and failed per second and of the queue depth.
import { get } from '../api.js';
import { h, stateBadge } from '../dom.js';
import { LivePlot } from '../plot.js';
import { poll } from '../poll.js';

const INTERVAL_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000;

const counts = (title, map, link) => h('div', { class: 'card' },
  h('h2', {}, title),
  Object.entries(map).map(([state, count]) => h('div', { class: 'count' },
    link ? h('a', { href: link(state) }, stateBadge(state)) : stateBadge(state),
    h('span', { 'data-count': state }, count))));

export async function render(view, _, signal) {
  const summary = h('div', { class: 'cards', id: 'overview-counts' });
  const plot = new LivePlot([
    { name: 'completed per second', className: 'completed' },
    { name: 'failed per second', className: 'failed' },
    { name: 'queue depth', className: 'queue' },
  ], WINDOW_MS);
  view.append(
    h('h1', {}, 'Overview'),
    summary,
    h('h2', {}, 'Last 5 minutes'),
    h('div', { class: 'legend' },
      h('span', { class: 'completed' }, 'completed / s'),
      h('span', { class: 'failed' }, 'failed / s'),
      h('span', { class: 'queue' }, 'queue depth')),
    plot.element);

  let previous = null;
  await poll(INTERVAL_MS, signal, async () => {
    const overview = await get('/api/v1/orchestrator/overview', { signal });
    const now = Date.now();
    summary.replaceChildren(
      counts('Nodes', overview.NodesByConnection),
      counts('Membership', overview.NodesByMembership),
      counts('Open jobs', overview.OpenJobs, state => `#/jobs?state=${state}`),
      counts('Finished since start', overview.FinishedSinceStart, state => `#/jobs?state=${state}`),
      h('div', { class: 'card' }, h('h2', {}, 'All jobs'), h('div', { class: 'count' }, 'recorded', h('span', { 'data-count': 'Jobs' }, overview.Jobs))));
    // Rates are the change of the orchestrator's counters between two samples.
    if (previous) {
      const seconds = Math.max(0.001, (now - previous.time) / 1000);
      const rate = state => Math.max(0, overview.FinishedSinceStart[state] - previous.finished[state]) / seconds;
      plot.add(now, [rate('Completed'), rate('Failed'), overview.QueueDepth]);
    }
    previous = { time: now, finished: overview.FinishedSinceStart };
  });
}
