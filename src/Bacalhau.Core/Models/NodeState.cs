namespace Bacalhau.Core.Models;

/// <summary>The orchestrator's view of a node: its info, membership and connection.</summary>
public sealed record NodeState
{
    public required NodeInfo Info { get; init; }
    public NodeMembership Membership { get; init; }
    public required ConnectionState ConnectionState { get; init; }

    /// <summary>Deprecated in Bacalhau in favour of ConnectionState.Status; kept for older clients.</summary>
    public NodeConnectionStatus Connection => ConnectionState.Status;
}

public sealed record ConnectionState
{
    public NodeConnectionStatus Status { get; init; }
    public DateTimeOffset? ConnectedSince { get; init; }
    public DateTimeOffset? DisconnectedSince { get; init; }
    public DateTimeOffset? LastHeartbeat { get; init; }
    public ulong LastComputeSeqNum { get; init; }
    public ulong LastOrchestratorSeqNum { get; init; }
    public string? LastError { get; init; }
}
