using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// <c>GET /api/v1/orchestrator/overview</c>: jobs and nodes counted by state for the web UI, which polls it; the work
/// is bounded by the open jobs and the nodes held in memory, not by the jobs ever recorded.
/// </summary>
internal static class OverviewEndpoints
{
    private static readonly JobStateType[] OpenStates = [JobStateType.Pending, JobStateType.Queued, JobStateType.Running];

    public static IEndpointRouteBuilder MapOverviewEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Node states and the counters behind the plot live in the leader's memory.
        endpoints.MapGet("/api/v1/orchestrator/overview", Overview).WithTags("Overview").RequirePermission(ApiPermissions.ReadJob | ApiPermissions.ReadNode).LeaderOnly();
        return endpoints;
    }

    private static OrchestratorOverview Overview(IJobStore store, NodeRegistry registry, OrchestratorMetrics metrics)
    {
        var open = store.OpenJobs();
        var nodes = registry.List();
        return new OrchestratorOverview
        {
            Jobs = store.JobCount,
            OpenJobs = OpenStates.ToDictionary(s => s.ToString(), s => open.Count(j => j.State.StateType == s)),
            FinishedSinceStart = metrics.FinishedSinceStart(),
            QueueDepth = open.Count(j => j.State.StateType is JobStateType.Pending or JobStateType.Queued),
            NodesByConnection = new Dictionary<string, int>
            {
                ["CONNECTED"] = nodes.Count(n => n.ConnectionState.Status == NodeConnectionStatus.Connected),
                ["DISCONNECTED"] = nodes.Count(n => n.ConnectionState.Status != NodeConnectionStatus.Connected),
            },
            NodesByMembership = new Dictionary<string, int>
            {
                ["APPROVED"] = nodes.Count(n => n.Membership == NodeMembership.Approved),
                ["PENDING"] = nodes.Count(n => n.Membership == NodeMembership.Pending),
                ["REJECTED"] = nodes.Count(n => n.Membership == NodeMembership.Rejected),
            },
        };
    }
}
