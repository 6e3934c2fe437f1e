// One node: its info, the executions it is running, and the membership actions.
import { get, request } from '../api.js';
import { bytes, h, jobLink, labels, stateBadge, time } from '../dom.js';
import { poll } from '../poll.js';
import { usage } from './nodes.js';

const INTERVAL_MS = 3000;

const resources = r => r ? `${r.CPU} CPU, ${bytes(r.Memory)} memory, ${bytes(r.Disk)} disk, ${r.GPU} GPU` : '-';

function info(node) {
  const compute = node.Info.ComputeNodeInfo;
  const rows = [
    ['ID', h('span', { class: 'mono' }, node.Info.NodeID)],
    ['Type', node.Info.NodeType],
    ['State', stateBadge(node.ConnectionState.Status)],
    ['Membership', h('span', { id: 'node-membership' }, stateBadge(node.Membership))],
    ['Connected since', node.ConnectionState.ConnectedSince ? time(node.ConnectionState.ConnectedSince) : '-'],
    ['Last heartbeat', node.ConnectionState.LastHeartbeat ? time(node.ConnectionState.LastHeartbeat) : '-'],
    ['Labels', h('span', { class: 'mono' }, labels(node.Info.Labels) || '-')],
    ['Engines', (compute?.ExecutionEngines ?? []).join(', ') || '-'],
    ['Publishers', (compute?.Publishers ?? []).join(', ') || '-'],
    ['Capacity', resources(compute?.MaxCapacity)],
    ['Available', resources(compute?.AvailableCapacity)],
    ['In use', usage(compute)],
    ['Running / queued', compute ? `${compute.RunningExecutions} / ${compute.EnqueuedExecutions}` : '-'],
    ['Peer ID', h('span', { class: 'mono' }, node.Info.PeerID ?? '-')],
    ['Last error', node.ConnectionState.LastError ?? '-'],
  ];
  return h('dl', { class: 'info' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function render(view, { id }, signal) {
  const path = `/api/v1/orchestrator/nodes/${encodeURIComponent(id)}`;
  const message = h('p', { id: 'node-action-result', class: 'muted' });
  const act = action => async () => {
    if (action === 'delete' && !confirm(`Delete node ${id}?`)) return;
    try {
      const result = await request('PUT', path, { body: JSON.stringify({ Action: action, Message: 'from the web UI' }), contentType: 'application/json', signal });
      message.className = result.Success ? 'muted' : 'error';
      message.textContent = result.Success ? `${action}: done` : result.Error;
      if (action === 'delete' && result.Success) location.hash = '#/nodes';
    } catch (error) {
      message.className = 'error';
      message.textContent = error.message;
    }
  };
  const details = h('div');
  const running = h('tbody');
  view.append(
    h('h1', {}, 'Node ', h('span', { class: 'mono' }, id)),
    h('div', { class: 'actions' },
      h('button', { id: 'approve-node', onclick: act('approve') }, 'Approve'),
      h('button', { id: 'reject-node', class: 'secondary', onclick: act('reject') }, 'Reject'),
      h('button', { id: 'delete-node', class: 'danger', onclick: act('delete') }, 'Delete')),
    message,
    details,
    h('h2', {}, 'Running executions'),
    h('table', { id: 'node-executions' },
      h('thead', {}, h('tr', {}, ['Execution', 'Job', 'State', 'Since'].map(c => h('th', {}, c)))),
      running));

  await poll(INTERVAL_MS, signal, async () => {
    const [{ Node: node }, executions] = await Promise.all([get(path, { signal }), get(`${path}/executions`, { signal })]);
    details.replaceChildren(info(node));
    running.replaceChildren(...(executions.Items.length
      ? executions.Items.map(e => h('tr', {},
        h('td', { class: 'mono' }, e.ID),
        h('td', {}, jobLink(e.JobID)),
        h('td', {}, stateBadge(e.ComputeState.StateType)),
        h('td', {}, time(e.CreateTime))))
      : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'None'))]));
  });
}
