namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// On a follower, hands the leader's routes (<see cref="LeaderOnlyMetadata"/>) to <see cref="LeaderProxy"/> before
/// their endpoints bind a parameter, so that the services only a leader runs are never resolved there.
/// </summary>
internal sealed class LeaderForwardingMiddleware(RequestDelegate next, IClusterLeadership leadership, LeaderProxy proxy)
{
    public Task InvokeAsync(HttpContext context) =>
        leadership.Role == OrchestratorRole.Follower && context.GetEndpoint().IsLeaderOnly()
            ? proxy.ForwardAsync(context)
            : next(context);
}
