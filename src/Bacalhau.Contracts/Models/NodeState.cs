namespace Bacalhau.Contracts.Models;

/// <summary>The orchestrator's view of a node: its info, membership and connection.</summary>
public sealed record NodeState
{
    public required NodeInfo Info { get; set; }
    public NodeMembership Membership { get; set; }
    public required ConnectionState ConnectionState { get; set; }

    /// <summary>Deprecated in Bacalhau in favour of ConnectionState.Status; kept for older clients.</summary>
    public NodeConnectionStatus Connection => ConnectionState.Status;
}

public sealed record ConnectionState
{
    public NodeConnectionStatus Status { get; set; }
    public DateTimeOffset? ConnectedSince { get; set; }
    public DateTimeOffset? DisconnectedSince { get; set; }
    public DateTimeOffset? LastHeartbeat { get; set; }
    public ulong LastComputeSeqNum { get; set; }
    public ulong LastOrchestratorSeqNum { get; set; }
    public string? LastError { get; set; }
}
