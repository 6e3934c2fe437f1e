using System.Text.Json.Serialization.Metadata;
using Bacalhau.Core.Models;
using Bacalhau.Core.Protocol;
using Bacalhau.Core.Serialization;
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
    private readonly DateTimeOffset _startTime = DateTimeOffset.UtcNow;

    public string NodeId => nodeId;

    public async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        var response = await RequestAsync(
            MessageTypes.HandshakeRequest,
            new HandshakeRequest { NodeInfo = Info(), StartTime = _startTime },
            BacalhauJsonContext.Default.HandshakeRequest,
            BacalhauJsonContext.Default.HandshakeResponse,
            cancellationToken);
        return response.Accepted;
    }

    /// <summary>False when the orchestrator asks for a new handshake.</summary>
    public async Task<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var response = await RequestAsync(
            MessageTypes.HeartbeatRequest,
            new HeartbeatRequest { NodeID = nodeId, AvailableCapacity = Capacity },
            BacalhauJsonContext.Default.HeartbeatRequest,
            BacalhauJsonContext.Default.HeartbeatResponse,
            cancellationToken);
        return response.Accepted;
    }

    public async Task<bool> UpdateInfoAsync(CancellationToken cancellationToken)
    {
        var response = await RequestAsync(
            MessageTypes.UpdateNodeInfoRequest,
            new UpdateNodeInfoRequest { NodeInfo = Info() },
            BacalhauJsonContext.Default.UpdateNodeInfoRequest,
            BacalhauJsonContext.Default.UpdateNodeInfoResponse,
            cancellationToken);
        return response.Accepted;
    }

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

    private Task<TResponse> RequestAsync<TRequest, TResponse>(
        string type,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken) =>
        nats.RequestAsync(Subjects.ControlOut(nodeId), nodeId, type, request, requestType, responseType, RequestTimeout, cancellationToken);
}
