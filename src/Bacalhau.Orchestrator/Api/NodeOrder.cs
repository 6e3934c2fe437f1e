using Bacalhau.Contracts.Models;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// The orders of the node list, by Bacalhau's <c>order_by</c> names: <c>id</c>, <c>type</c>, the available resources
/// (most first, as Bacalhau lists them), <c>approval</c> and <c>status</c> (by name). The node ID breaks ties.
/// </summary>
internal static class NodeOrder
{
    public static readonly string[] Fields = ["id", "type", "available_cpu", "available_memory", "available_disk", "available_gpu", "approval", "status"];

    public static NodeState[] Sort(IEnumerable<NodeState> nodes, string field, bool reverse)
    {
        var ordered = field switch
        {
            "type" => nodes.OrderBy(n => n.Info.NodeType),
            "available_cpu" => nodes.OrderByDescending(n => Available(n).CPU),
            "available_memory" => nodes.OrderByDescending(n => Available(n).Memory),
            "available_disk" => nodes.OrderByDescending(n => Available(n).Disk),
            "available_gpu" => nodes.OrderByDescending(n => Available(n).GPU),
            "approval" => nodes.OrderBy(n => n.Membership.ToString(), StringComparer.Ordinal),
            "status" => nodes.OrderBy(n => n.ConnectionState.Status.ToString(), StringComparer.Ordinal),
            _ => nodes.OrderBy(_ => 0),
        };
        NodeState[] sorted = [.. ordered.ThenBy(n => n.Info.NodeID, StringComparer.Ordinal)];
        if (reverse)
        {
            Array.Reverse(sorted);
        }

        return sorted;
    }

    // An orchestrator has no compute capacity: it sorts as none available.
    private static Resources Available(NodeState node) => node.Info.ComputeNodeInfo?.AvailableCapacity ?? Resources.Zero;
}
