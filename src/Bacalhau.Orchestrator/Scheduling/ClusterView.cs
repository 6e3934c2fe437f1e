using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>
/// What the scheduler sees of the cluster for one decision: the nodes that can take work and what is already
/// placed on each. Placements made during the decision are added, so one plan spreads its own executions too.
/// </summary>
public sealed class ClusterView
{
    private readonly Dictionary<string, NodeLoad> _load = new(StringComparer.Ordinal);

    public ClusterView(IEnumerable<NodeState> nodes, IEnumerable<Execution> activeExecutions)
    {
        Nodes = [.. nodes.Where(n => n.ConnectionState.Status == NodeConnectionStatus.Connected
                                     && n.Membership == NodeMembership.Approved
                                     && n.Info.ComputeNodeInfo is not null)];
        foreach (var execution in activeExecutions)
        {
            Place(execution.NodeID, execution.AllocatedResources);
        }
    }

    public IReadOnlyList<NodeState> Nodes { get; }

    public int ActiveCount(string nodeId) => _load.GetValueOrDefault(nodeId)?.Count ?? 0;

    public Resources Allocated(string nodeId) => _load.GetValueOrDefault(nodeId)?.Allocated ?? Resources.Zero;

    public void Place(string nodeId, Resources resources)
    {
        if (!_load.TryGetValue(nodeId, out var load))
        {
            _load[nodeId] = load = new NodeLoad();
        }

        load.Count++;
        load.Allocated = new Resources
        {
            CPU = load.Allocated.CPU + resources.CPU,
            Memory = load.Allocated.Memory + resources.Memory,
            Disk = load.Allocated.Disk + resources.Disk,
            GPU = load.Allocated.GPU + resources.GPU,
        };
    }

    private sealed class NodeLoad
    {
        public int Count { get; set; }
        public Resources Allocated { get; set; } = Resources.Zero;
    }
}
