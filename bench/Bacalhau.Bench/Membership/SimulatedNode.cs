using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using NATS.Client.Core;

namespace Bacalhau.Bench.Membership;

/// <summary>
/// A compute node reduced to its membership: the handshake, heartbeats and node info updates a real node's
/// OrchestratorLink sends, with the same messages and envelopes, on a NATS connection shared with other simulated nodes.
/// </summary>
internal sealed class SimulatedNode(INatsConnection nats, string nodeId)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly Resources Capacity = new() { CPU = 1.6, Memory = 6L << 30, Disk = 80L << 30 };
    private static readonly BacalhauJsonContext Json = BacalhauJsonContext.Default;
    private readonly DateTimeOffset _startTime = DateTimeOffset.UtcNow;
    private readonly string _subject = Subjects.ControlOut(nodeId);
    private int _beating;

    /// <summary>When the node sends its info again; read and moved by its beat only.</summary>
    public DateTimeOffset NextInfo { get; set; }

    /// <summary>False while the previous beat still waits for its answers: a real node's loop does one beat at a time.</summary>
    public bool TryStartBeat() => Interlocked.Exchange(ref _beating, 1) == 0;

    public void EndBeat() => Volatile.Write(ref _beating, 0);

    public async Task<bool> HandshakeAsync(CancellationToken cancellationToken) =>
        (await nats.RequestAsync(_subject, nodeId, MessageTypes.HandshakeRequest, new HandshakeRequest { NodeInfo = Info(), StartTime = _startTime }, Json.HandshakeRequest, Json.HandshakeResponse, RequestTimeout, cancellationToken)).Accepted;

    /// <summary>False when the orchestrator asks for a new handshake.</summary>
    public async Task<bool> HeartbeatAsync(CancellationToken cancellationToken) =>
        (await nats.RequestAsync(_subject, nodeId, MessageTypes.HeartbeatRequest, new HeartbeatRequest { NodeID = nodeId, AvailableCapacity = Capacity }, Json.HeartbeatRequest, Json.HeartbeatResponse, RequestTimeout, cancellationToken)).Accepted;

    public async Task<bool> UpdateInfoAsync(CancellationToken cancellationToken) =>
        (await nats.RequestAsync(_subject, nodeId, MessageTypes.UpdateNodeInfoRequest, new UpdateNodeInfoRequest { NodeInfo = Info() }, Json.UpdateNodeInfoRequest, Json.UpdateNodeInfoResponse, RequestTimeout, cancellationToken)).Accepted;

    /// <summary>What a compute node with the noop, docker and wasm engines and both publishers reports.</summary>
    private NodeInfo Info() => new()
    {
        NodeID = nodeId,
        NodeType = NodeType.Compute,
        SupportedProtocols = [Protocols.NclV1],
        ComputeNodeInfo = new ComputeNodeInfo
        {
            ExecutionEngines = ["docker", "noop", "wasm"],
            Publishers = ["local", "noop"],
            MaxCapacity = Capacity,
            AvailableCapacity = Capacity,
            MaxJobRequirements = Capacity,
        },
    };
}
