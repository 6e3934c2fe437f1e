using Bacalhau.Contracts.Models;

namespace Bacalhau.Contracts.Protocol;

public sealed record HandshakeRequest
{
    public required NodeInfo NodeInfo { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public ulong LastOrchestratorSeqNum { get; set; }
}

public sealed record HandshakeResponse
{
    public bool Accepted { get; set; }
    public string Reason { get; set; } = "";
    public ulong LastComputeSeqNum { get; set; }
    public ulong LastOrchestratorSeqNum { get; set; }

    /// <summary>How long the orchestrator waits for a silent node before it declares it lost and moves its work elsewhere.</summary>
    public TimeSpan DisconnectTimeout { get; set; }

    /// <summary>
    /// The last sequence number the orchestrator had given a message to this node when it accepted the handshake:
    /// a node that was out of touch for longer than <see cref="DisconnectTimeout"/> declines the offers up to it.
    /// </summary>
    public ulong LastAssignedSeqNum { get; set; }
}

public sealed record HeartbeatRequest
{
    public required string NodeID { get; set; }
    public Resources AvailableCapacity { get; set; } = Resources.Zero;
    public Resources QueueUsedCapacity { get; set; } = Resources.Zero;
    public ulong LastOrchestratorSeqNum { get; set; }
}

public sealed record HeartbeatResponse
{
    /// <summary>False when the orchestrator does not know the node as connected: the node must handshake again.</summary>
    public bool Accepted { get; set; } = true;
    public string Reason { get; set; } = "";
    public ulong LastComputeSeqNum { get; set; }
}

public sealed record UpdateNodeInfoRequest
{
    public required NodeInfo NodeInfo { get; set; }
}

public sealed record UpdateNodeInfoResponse
{
    public bool Accepted { get; set; }
    public string Reason { get; set; } = "";
}

public sealed record ShutdownNoticeRequest
{
    public required string NodeID { get; set; }
    public string Reason { get; set; } = "";
    public ulong LastOrchestratorSeqNum { get; set; }
}

public sealed record ShutdownNoticeResponse
{
    public ulong LastComputeSeqNum { get; set; }
}

/// <summary>
/// Published by an orchestrator that starts answering the control plane (at start, or on taking the lead) to every
/// node it knows: handshake now rather than at the next heartbeat, so work resumes without waiting a period.
/// </summary>
public sealed record RejoinRequest
{
    public string Reason { get; set; } = "";
}

/// <summary>
/// Sent by a compute node before its handshake when it was told which orchestrator to expect (<c>--peer</c>): the
/// orchestrator must sign <see cref="Nonce"/> (base64, random) with its node key.
/// </summary>
public sealed record IdentityChallengeRequest
{
    public required string Nonce { get; set; }
}

/// <summary>The orchestrator's proof of identity: its marshalled public key and its signature of the challenge, base64.</summary>
public sealed record IdentityChallengeResponse
{
    public required string NodeID { get; set; }
    public required string PeerID { get; set; }
    public required string PublicKey { get; set; }
    public required string Signature { get; set; }
}

/// <summary>Answer to a request the receiver could not process (bad envelope, unknown type).</summary>
public sealed record ErrorResponse
{
    public required string Error { get; set; }
}
