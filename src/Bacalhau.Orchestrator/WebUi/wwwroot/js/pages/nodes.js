// A page of compute nodes by ID (the server pages them), with state, membership, engines, labels and capacity.
import { get, query } from '../api.js';
import { h, labels, nodeLink, stateBadge } from '../dom.js';

const PAGE_SIZE = 100;

/** Share of a capacity in use, as a bar and a percentage. */
export function usage(info) {
  const max = info?.MaxCapacity?.CPU ?? 0;
  const free = info?.AvailableCapacity?.CPU ?? 0;
  if (!max) return h('span', { class: 'muted' }, '-');
  const used = Math.max(0, Math.min(1, (max - free) / max));
  const fill = h('span');
  fill.style.width = `${Math.round(used * 100)}%`;
  return h('span', {}, h('span', { class: 'bar' }, fill), `${(max - free).toFixed(1)} / ${max.toFixed(1)} CPU used`);
}

export async function render(view, { params }, signal) {
  const token = params.get('next') ?? '';
  view.append(h('h1', {}, 'Nodes'));
  const page = await get(`/api/v1/orchestrator/nodes${query({ limit: PAGE_SIZE, next_token: token })}`, { signal });
  const rows = page.Nodes.map(node => h('tr', { 'data-node-id': node.Info.NodeID },
    h('td', {}, nodeLink(node.Info.NodeID)),
    h('td', {}, node.Info.NodeType),
    h('td', {}, stateBadge(node.ConnectionState.Status)),
    h('td', {}, stateBadge(node.Membership)),
    h('td', {}, (node.Info.ComputeNodeInfo?.ExecutionEngines ?? []).join(', ')),
    h('td', { class: 'mono' }, labels(node.Info.Labels)),
    h('td', {}, usage(node.Info.ComputeNodeInfo))));
  view.append(
    h('table', { id: 'nodes-table' },
      h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Membership', 'Engines', 'Labels', 'Capacity'].map(c => h('th', {}, c)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No nodes')))),
    h('div', { class: 'pager' },
      token ? h('a', { href: '#/nodes' }, 'First page') : null,
      page.NextToken ? h('a', { href: `#/nodes${query({ next: page.NextToken })}`, id: 'next-page' }, 'Next page') : null));
}
