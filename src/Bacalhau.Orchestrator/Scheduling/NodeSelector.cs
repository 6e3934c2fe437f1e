using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>
/// Picks nodes for a job: connected and approved, offering the job's engine, matching its constraints and with
/// free capacity for its resources; among those, the least loaded, so work spreads instead of piling up.
/// </summary>
internal static class NodeSelector
{
    public static IReadOnlyList<NodeState> Matching(Job job, Resources requested, ClusterView cluster, out string? reason)
    {
        var engine = job.Tasks[0].Engine.Type;
        var publisher = job.Tasks[0].Publisher?.Type is { Length: > 0 } type ? type : null;
        var withEngine = cluster.Nodes.Where(n => n.Info.ComputeNodeInfo!.ExecutionEngines.Contains(engine, StringComparer.OrdinalIgnoreCase)
                                                  && (publisher is null || n.Info.ComputeNodeInfo.Publishers.Contains(publisher, StringComparer.OrdinalIgnoreCase))).ToList();
        var matching = withEngine.Where(n => ConstraintMatcher.Matches(job.Constraints, n.Info.Labels)).ToList();
        var fitting = matching.Where(n => Fits(n, requested, cluster)).ToList();
        reason = (cluster.Nodes.Count, withEngine.Count, matching.Count, fitting.Count) switch
        {
            (0, _, _, _) => "no compute node is connected",
            (var all, 0, _, _) => publisher is null
                ? $"none of the {all} connected node(s) offers the '{engine}' engine"
                : $"none of the {all} connected node(s) offers both the '{engine}' engine and the '{publisher}' publisher",
            (_, var engines, 0, _) => $"none of the {engines} node(s) offering '{engine}' matches the job's constraints",
            (_, _, var constrained, 0) => $"none of the {constrained} matching node(s) has free capacity for the job's resources",
            _ => null,
        };
        return fitting;
    }

    /// <summary>
    /// The least loaded of <paramref name="candidates"/> that still has room for <paramref name="requested"/> (what the
    /// decision placed so far counts), not in <paramref name="avoid"/> (unless nothing else is left).
    /// </summary>
    public static NodeState? PickLeastLoaded(IReadOnlyList<NodeState> candidates, Resources requested, ClusterView cluster, IReadOnlySet<string> avoid)
    {
        NodeState? best = null;
        var bestScore = (Avoided: true, Load: int.MaxValue, Tie: int.MaxValue);
        foreach (var node in candidates)
        {
            if (!Fits(node, requested, cluster))
            {
                continue;
            }

            var score = (Avoided: avoid.Contains(node.Info.NodeID), Load: cluster.ActiveCount(node.Info.NodeID), Tie: Random.Shared.Next());
            if (best is null || score.CompareTo(bestScore) < 0)
            {
                best = node;
                bestScore = score;
            }
        }

        return best;
    }

    private static bool Fits(NodeState node, Resources requested, ClusterView cluster)
    {
        var capacity = node.Info.ComputeNodeInfo!.MaxCapacity;
        var allocated = cluster.Allocated(node.Info.NodeID);
        return allocated.CPU + requested.CPU <= capacity.CPU + 1e-9
            && allocated.Memory + requested.Memory <= capacity.Memory
            && allocated.Disk + requested.Disk <= capacity.Disk
            && allocated.GPU + requested.GPU <= capacity.GPU;
    }
}
