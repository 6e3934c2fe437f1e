namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// Which orchestrator of the cluster leads, as this one knows it. Only the leader schedules and commits; the others
/// answer reads from their copy of the state and pass writes on to the leader. A lone orchestrator always leads.
/// </summary>
public interface IClusterLeadership
{
    /// <summary>This orchestrator's role now.</summary>
    OrchestratorRole Role { get; }

    /// <summary>The leader as last seen, or null while there is none (an election is under way).</summary>
    LeaderInfo? Leader { get; }
}

/// <summary>What an orchestrator is in its cluster; shown by the node list and the agent's node info.</summary>
public enum OrchestratorRole
{
    Leader,
    Follower,
}

/// <summary>The leading orchestrator: its node ID, the base URL of its REST API and the term it leads in.</summary>
public sealed record LeaderInfo(string NodeId, string ApiUrl, long Term);
