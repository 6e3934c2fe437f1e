using Bacalhau.Core.Models;

namespace Bacalhau.Core.Protocol;

public sealed record HandshakeRequest
{
    public required NodeInfo NodeInfo { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public ulong LastOrchestratorSeqNum { get; init; }
}

public sealed record HandshakeResponse
{
    public bool Accepted { get; init; }
    public string Reason { get; init; } = "";
    public ulong LastComputeSeqNum { get; init; }
    public ulong LastOrchestratorSeqNum { get; init; }
}

public sealed record HeartbeatRequest
{
    public required string NodeID { get; init; }
    public Resources AvailableCapacity { get; init; } = Resources.Zero;
    public Resources QueueUsedCapacity { get; init; } = Resources.Zero;
    public ulong LastOrchestratorSeqNum { get; init; }
}

public sealed record HeartbeatResponse
{
    /// <summary>False when the orchestrator does not know the node as connected: the node must handshake again.</summary>
    public bool Accepted { get; init; } = true;
    public string Reason { get; init; } = "";
    public ulong LastComputeSeqNum { get; init; }
}

public sealed record UpdateNodeInfoRequest
{
    public required NodeInfo NodeInfo { get; init; }
}

public sealed record UpdateNodeInfoResponse
{
    public bool Accepted { get; init; }
    public string Reason { get; init; } = "";
}

public sealed record ShutdownNoticeRequest
{
    public required string NodeID { get; init; }
    public string Reason { get; init; } = "";
    public ulong LastOrchestratorSeqNum { get; init; }
}

public sealed record ShutdownNoticeResponse
{
    public ulong LastComputeSeqNum { get; init; }
}

/// <summary>Answer to a request the receiver could not process (bad envelope, unknown type).</summary>
public sealed record ErrorResponse
{
    public required string Error { get; init; }
}
