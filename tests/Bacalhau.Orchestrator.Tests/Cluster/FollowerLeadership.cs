using Bacalhau.Orchestrator.Cluster;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>The leadership a replicated orchestrator would report, fixed by the test: a follower of <see cref="Leader"/>.</summary>
internal sealed class FollowerLeadership(LeaderInfo? leader) : IClusterLeadership
{
    public OrchestratorRole Role => OrchestratorRole.Follower;

    public LeaderInfo? Leader { get; } = leader;
}
