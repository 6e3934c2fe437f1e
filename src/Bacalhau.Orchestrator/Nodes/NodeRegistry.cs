using System.Collections.Concurrent;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Orchestrator.Storage;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Nodes;

/// <summary>
/// The orchestrator's view of every compute node: membership (APPROVED / PENDING / REJECTED) and
/// connection (CONNECTED until heartbeats stop for longer than the disconnect timeout).
/// </summary>
/// <remarks>
/// Membership survives a restart: a node's first join, approval, rejection and deletion are written to the
/// <paramref name="store"/> (when there is one) before they take effect for the caller; heartbeats and node info
/// updates are not written. Nodes read back at start are DISCONNECTED, with no <c>ConnectedSince</c>, until they
/// join again.
/// </remarks>
public sealed partial class NodeRegistry(TimeProvider time, IOptions<NodeManagerOptions> options, ILogger<NodeRegistry> logger, IJobStore? store = null)
{
    private const string HandshakeRequired = "node is not connected: handshake required";
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(Disconnected(store?.StoredNodes ?? []), StringComparer.Ordinal);
    private long _version;
    private IdOrder? _idOrder;

    /// <summary>
    /// Changes whenever a node joins, leaves, is deleted or changes membership: the scheduler revisits waiting jobs
    /// then, and <see cref="ListById"/> sorts again.
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// Reads the membership the store recorded again, every node disconnected until it joins: a replicated
    /// orchestrator that takes the lead does this, as the log has changed the membership since it started.
    /// </summary>
    internal void Restore()
    {
        _nodes.Clear();
        foreach (var (id, node) in Disconnected(store?.StoredNodes ?? []))
        {
            _nodes[id] = node;
        }

        Interlocked.Increment(ref _version);
    }

    private static IEnumerable<KeyValuePair<string, NodeState>> Disconnected(IEnumerable<NodeState> stored) =>
        stored.Select(n => KeyValuePair.Create(n.Info.NodeID, n with
        {
            ConnectionState = new ConnectionState
            {
                Status = NodeConnectionStatus.Disconnected,
                LastComputeSeqNum = n.ConnectionState.LastComputeSeqNum,
                LastError = "not connected since the orchestrator started",
            },
        }));

    /// <summary>A snapshot of every node, in no particular order.</summary>
    public IReadOnlyCollection<NodeState> List() => [.. _nodes.Values];

    /// <summary>
    /// A snapshot of every node in the ordinal order of their IDs. The order is kept until <see cref="Version"/>
    /// changes, so listing thousands of heartbeating nodes costs a lookup per node rather than a sort.
    /// </summary>
    public NodeState[] ListById()
    {
        // Read before the keys: a node added meanwhile changes the version after it is in the dictionary, so the
        // next call sorts again.
        var version = Version;
        var order = _idOrder;
        if (order?.Version != version)
        {
            var ids = _nodes.Keys.ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            _idOrder = order = new IdOrder(version, ids);
        }

        var nodes = new NodeState[order.Ids.Length];
        var count = 0;
        foreach (var id in order.Ids)
        {
            if (_nodes.TryGetValue(id, out var node))
            {
                nodes[count++] = node;
            }
        }

        return count == nodes.Length ? nodes : nodes[..count];
    }

    public NodeState? Get(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    public HandshakeResponse Handshake(HandshakeRequest request)
    {
        var info = request.NodeInfo;
        if (NodeIds.Validate(info.NodeID) is { } invalid)
        {
            return Refuse(info.NodeID, invalid);
        }

        if (info.NodeType != NodeType.Compute)
        {
            return Refuse(info.NodeID, $"only compute nodes can join, this node is of type {info.NodeType}");
        }

        var now = time.GetUtcNow();
        var existing = _nodes.GetValueOrDefault(info.NodeID);
        if (existing?.Membership == NodeMembership.Rejected)
        {
            return Refuse(info.NodeID, "the node was rejected by the orchestrator; an operator must delete it before it can join again");
        }

        var membership = existing?.Membership ?? (options.Value.ManualApproval ? NodeMembership.Pending : NodeMembership.Approved);
        var state = new NodeState
        {
            // A role is the orchestrators' to claim, never a compute node's.
            Info = info with { ClusterRole = null },
            Membership = membership,
            ConnectionState = new ConnectionState
            {
                Status = NodeConnectionStatus.Connected,
                ConnectedSince = now,
                LastHeartbeat = now,
                LastComputeSeqNum = existing?.ConnectionState.LastComputeSeqNum ?? 0,
                LastOrchestratorSeqNum = request.LastOrchestratorSeqNum,
            },
        };
        _nodes[info.NodeID] = state;
        Interlocked.Increment(ref _version);
        if (existing is null)
        {
            // A node's first join is a membership change; its later joins and heartbeats are not written.
            if (store is not null)
            {
                _ = PersistJoinAsync(state);
            }
        }

        LogNodeConnected(logger, info.NodeID, membership, existing is null);
        return new HandshakeResponse
        {
            Accepted = true,
            Reason = membership == NodeMembership.Pending ? "node is pending approval" : "",
            LastComputeSeqNum = state.ConnectionState.LastComputeSeqNum,
            LastOrchestratorSeqNum = state.ConnectionState.LastOrchestratorSeqNum,
            DisconnectTimeout = options.Value.DisconnectTimeout,
        };
    }

    public HeartbeatResponse Heartbeat(HeartbeatRequest request)
    {
        var now = time.GetUtcNow();
        var updated = Update(request.NodeID, current => current.ConnectionState.Status != NodeConnectionStatus.Connected ? null : current with
        {
            // The same info while the capacity stays the same: the node list keeps its JSON per info.
            Info = current.Info.ComputeNodeInfo is { } compute && compute.AvailableCapacity != request.AvailableCapacity
                ? current.Info with { ComputeNodeInfo = compute with { AvailableCapacity = request.AvailableCapacity } }
                : current.Info,
            ConnectionState = current.ConnectionState with { LastHeartbeat = now, LastOrchestratorSeqNum = request.LastOrchestratorSeqNum },
        });
        return updated is null
            ? new HeartbeatResponse { Accepted = false, Reason = HandshakeRequired }
            : new HeartbeatResponse { LastComputeSeqNum = updated.ConnectionState.LastComputeSeqNum };
    }

    public UpdateNodeInfoResponse UpdateInfo(UpdateNodeInfoRequest request)
    {
        var updated = Update(request.NodeInfo.NodeID, current =>
            current.ConnectionState.Status != NodeConnectionStatus.Connected ? null : current with { Info = request.NodeInfo with { ClusterRole = null } });
        return updated is null
            ? new UpdateNodeInfoResponse { Accepted = false, Reason = HandshakeRequired }
            : new UpdateNodeInfoResponse { Accepted = true };
    }

    public void ShutdownNotice(ShutdownNoticeRequest request) =>
        MarkDisconnected(request.NodeID, $"node shut down: {request.Reason}", onlyIfStale: null);

    /// <summary>Marks DISCONNECTED every connected node whose last heartbeat is older than the timeout.</summary>
    public void DisconnectStaleNodes()
    {
        var deadline = time.GetUtcNow() - options.Value.DisconnectTimeout;
        // The dictionary's own enumerator: Values would copy every node into a new array at each scan.
        foreach (var (_, node) in _nodes)
        {
            if (node.ConnectionState.Status == NodeConnectionStatus.Connected && node.ConnectionState.LastHeartbeat < deadline)
            {
                MarkDisconnected(node.Info.NodeID, $"no heartbeat for more than {options.Value.DisconnectTimeout}", onlyIfStale: deadline);
            }
        }
    }

    /// <summary>Approves, rejects or deletes a node; completes once the change is durable.</summary>
    public async Task<UpdateNodeResponse> ApplyActionAsync(string nodeId, string? action, string? message)
    {
        switch (action?.Trim().ToLowerInvariant())
        {
            case "approve":
                return await SetMembershipAsync(nodeId, NodeMembership.Approved, message);
            case "reject":
                return await SetMembershipAsync(nodeId, NodeMembership.Rejected, message);
            case "delete":
                if (Get(nodeId) is null)
                {
                    return new UpdateNodeResponse { Error = $"node '{nodeId}' not found" };
                }

                // Written first: a change that cannot be recorded does not happen.
                if (store is not null)
                {
                    await store.DeleteNodeAsync(nodeId);
                }

                _nodes.TryRemove(nodeId, out _);
                Interlocked.Increment(ref _version);
                return new UpdateNodeResponse { Success = true };
            default:
                return new UpdateNodeResponse { Error = $"Action '{action}' is not one of approve, reject, delete" };
        }
    }

    private async Task<UpdateNodeResponse> SetMembershipAsync(string nodeId, NodeMembership membership, string? message)
    {
        if (Get(nodeId) is not { } current)
        {
            return new UpdateNodeResponse { Error = $"node '{nodeId}' not found" };
        }

        if (current.Membership == membership)
        {
            return new UpdateNodeResponse { Error = $"node '{nodeId}' is already {membership.ToString().ToUpperInvariant()}" };
        }

        // Written first: a change that cannot be recorded does not happen.
        if (store is not null)
        {
            await store.SaveNodeAsync(current with { Membership = membership });
        }

        if (Update(nodeId, node => node with { Membership = membership }) is null)
        {
            return new UpdateNodeResponse { Error = $"node '{nodeId}' not found" };
        }

        Interlocked.Increment(ref _version);
        LogMembershipChanged(logger, nodeId, membership, message ?? "");
        return new UpdateNodeResponse { Success = true };
    }

    /// <summary>
    /// Writes a first join without holding up the handshake. A write that fails is logged; the node then only
    /// joins as a new one after a restart.
    /// </summary>
    private async Task PersistJoinAsync(NodeState node)
    {
        try
        {
            await store!.SaveNodeAsync(node);
        }
        catch (Exception ex)
        {
            LogPersistFailed(logger, node.Info.NodeID, ex.Message);
        }
    }

    private void MarkDisconnected(string nodeId, string reason, DateTimeOffset? onlyIfStale)
    {
        var updated = Update(nodeId, current =>
            current.ConnectionState.Status != NodeConnectionStatus.Connected || current.ConnectionState.LastHeartbeat >= onlyIfStale
                ? null
                : current with
                {
                    ConnectionState = current.ConnectionState with
                    {
                        Status = NodeConnectionStatus.Disconnected,
                        DisconnectedSince = time.GetUtcNow(),
                        LastError = reason,
                    },
                });
        if (updated is not null)
        {
            Interlocked.Increment(ref _version);
            LogNodeDisconnected(logger, nodeId, reason);
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically; a null from it means "leave the node as it is".</summary>
    private NodeState? Update(string nodeId, Func<NodeState, NodeState?> change)
    {
        while (_nodes.TryGetValue(nodeId, out var current))
        {
            if (change(current) is not { } next)
            {
                return null;
            }

            if (_nodes.TryUpdate(nodeId, next, current))
            {
                return next;
            }
        }

        return null;
    }

    private HandshakeResponse Refuse(string nodeId, string reason)
    {
        LogHandshakeRefused(logger, nodeId, reason);
        return new HandshakeResponse { Accepted = false, Reason = reason };
    }

    /// <summary>Node IDs sorted as they were at <paramref name="Version"/>.</summary>
    private sealed record IdOrder(long Version, string[] Ids);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} connected (membership {Membership}, first time: {IsNew})")]
    private static partial void LogNodeConnected(ILogger logger, string nodeId, NodeMembership membership, bool isNew);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} disconnected: {Reason}")]
    private static partial void LogNodeDisconnected(ILogger logger, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handshake of node {NodeId} refused: {Reason}")]
    private static partial void LogHandshakeRefused(ILogger logger, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the first join of node {NodeId} failed: {Error}")]
    private static partial void LogPersistFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} membership set to {Membership}: {Message}")]
    private static partial void LogMembershipChanged(ILogger logger, string nodeId, NodeMembership membership, string message);
}
