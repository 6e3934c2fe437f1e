using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Nodes;

public sealed class NodeRegistryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private NodeRegistry CreateRegistry(bool manualApproval = false) =>
        new(_time, Options.Create(new NodeManagerOptions { DisconnectTimeout = Timeout, ManualApproval = manualApproval }), NullLogger<NodeRegistry>.Instance);

    private static HandshakeRequest Handshake(string nodeId, NodeType type = NodeType.Compute) =>
        new() { NodeInfo = new NodeInfo { NodeID = nodeId, NodeType = type, ComputeNodeInfo = new ComputeNodeInfo() } };

    [Fact]
    public void Handshake_makes_a_node_connected_and_approved()
    {
        var registry = CreateRegistry();

        var response = registry.Handshake(Handshake("n-1"));

        Assert.True(response.Accepted);
        var node = registry.Get("n-1");
        Assert.NotNull(node);
        Assert.Equal(NodeMembership.Approved, node.Membership);
        Assert.Equal(NodeConnectionStatus.Connected, node.ConnectionState.Status);
    }

    [Fact]
    public void A_compute_node_cannot_claim_an_orchestrators_role()
    {
        var registry = CreateRegistry();
        var claim = Handshake("n-1");
        claim.NodeInfo.ClusterRole = "leader";

        registry.Handshake(claim);
        Assert.Null(registry.Get("n-1")!.Info.ClusterRole);

        Assert.True(registry.UpdateInfo(new UpdateNodeInfoRequest { NodeInfo = claim.NodeInfo }).Accepted);
        Assert.Null(registry.Get("n-1")!.Info.ClusterRole);
    }

    [Fact]
    public void Heartbeats_keep_a_node_connected_and_silence_disconnects_it()
    {
        var registry = CreateRegistry();
        registry.Handshake(Handshake("n-1"));

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            Assert.True(registry.Heartbeat(new HeartbeatRequest { NodeID = "n-1" }).Accepted);
            registry.DisconnectStaleNodes();
            Assert.Equal(NodeConnectionStatus.Connected, registry.Get("n-1")!.ConnectionState.Status);
        }

        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        registry.DisconnectStaleNodes();

        var node = registry.Get("n-1")!;
        Assert.Equal(NodeConnectionStatus.Disconnected, node.ConnectionState.Status);
        Assert.Equal(_time.GetUtcNow(), node.ConnectionState.DisconnectedSince);
        Assert.Contains("no heartbeat", node.ConnectionState.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heartbeat_replaces_the_info_only_when_the_capacity_changed()
    {
        var registry = CreateRegistry();
        registry.Handshake(Handshake("n-1"));
        var info = registry.Get("n-1")!.Info;

        registry.Heartbeat(new HeartbeatRequest { NodeID = "n-1", AvailableCapacity = Resources.Zero });
        Assert.Same(info, registry.Get("n-1")!.Info);

        var capacity = new Resources { CPU = 2 };
        registry.Heartbeat(new HeartbeatRequest { NodeID = "n-1", AvailableCapacity = capacity });
        Assert.Equal(capacity, registry.Get("n-1")!.Info.ComputeNodeInfo!.AvailableCapacity);
        Assert.Equal(info with { ComputeNodeInfo = info.ComputeNodeInfo! with { AvailableCapacity = capacity } }, registry.Get("n-1")!.Info);
    }

    [Fact]
    public void A_disconnected_or_unknown_node_is_told_to_handshake_again()
    {
        var registry = CreateRegistry();
        Assert.False(registry.Heartbeat(new HeartbeatRequest { NodeID = "unknown" }).Accepted);

        registry.Handshake(Handshake("n-1"));
        _time.Advance(Timeout * 2);
        registry.DisconnectStaleNodes();

        var response = registry.Heartbeat(new HeartbeatRequest { NodeID = "n-1" });
        Assert.False(response.Accepted);
        Assert.Contains("handshake", response.Reason, StringComparison.Ordinal);
        Assert.True(registry.Handshake(Handshake("n-1")).Accepted);
        Assert.Equal(NodeConnectionStatus.Connected, registry.Get("n-1")!.ConnectionState.Status);
    }

    [Fact]
    public async Task Manual_approval_keeps_new_nodes_pending_until_approved()
    {
        var registry = CreateRegistry(manualApproval: true);
        registry.Handshake(Handshake("n-1"));
        Assert.Equal(NodeMembership.Pending, registry.Get("n-1")!.Membership);

        Assert.True((await registry.ApplyActionAsync("n-1", "approve", "ok")).Success);
        Assert.Equal(NodeMembership.Approved, registry.Get("n-1")!.Membership);
        Assert.False((await registry.ApplyActionAsync("n-1", "approve", null)).Success);
    }

    [Fact]
    public async Task A_rejected_node_cannot_join_until_deleted()
    {
        var registry = CreateRegistry();
        registry.Handshake(Handshake("n-1"));
        Assert.True((await registry.ApplyActionAsync("n-1", "reject", "not ours")).Success);

        var refused = registry.Handshake(Handshake("n-1"));
        Assert.False(refused.Accepted);
        Assert.Contains("rejected", refused.Reason, StringComparison.Ordinal);

        Assert.True((await registry.ApplyActionAsync("n-1", "delete", null)).Success);
        Assert.True(registry.Handshake(Handshake("n-1")).Accepted);
    }

    [Fact]
    public async Task Nodes_are_listed_in_id_order_with_their_latest_state()
    {
        var registry = CreateRegistry();
        foreach (var id in new[] { "n-b", "n-C", "n-a" })
        {
            registry.Handshake(Handshake(id));
        }

        Assert.Equal(["n-C", "n-a", "n-b"], registry.ListById().Select(n => n.Info.NodeID));

        _time.Advance(TimeSpan.FromSeconds(15));
        registry.Heartbeat(new HeartbeatRequest { NodeID = "n-a" });
        Assert.Equal(_time.GetUtcNow(), registry.ListById().Single(n => n.Info.NodeID == "n-a").ConnectionState.LastHeartbeat);

        registry.Handshake(Handshake("n-0"));
        Assert.True((await registry.ApplyActionAsync("n-b", "delete", null)).Success);
        Assert.Equal(["n-0", "n-C", "n-a"], registry.ListById().Select(n => n.Info.NodeID));
    }

    [Fact]
    public async Task Approvals_rejections_and_deletions_survive_a_restart_and_heartbeats_are_not_written()
    {
        var directory = Directory.CreateTempSubdirectory("bacalhau-nodes-").FullName;
        var path = Path.Combine(directory, "state.db");
        try
        {
            await using (var store = new SqliteJobStore(path, "orchestrator"))
            {
                var registry = new NodeRegistry(_time, Options.Create(new NodeManagerOptions { DisconnectTimeout = Timeout, ManualApproval = true }), NullLogger<NodeRegistry>.Instance, store);
                foreach (var id in new[] { "n-approved", "n-rejected", "n-deleted", "n-pending" })
                {
                    Assert.True(registry.Handshake(Handshake(id)).Accepted);
                }

                Assert.True((await registry.ApplyActionAsync("n-approved", "approve", null)).Success);
                Assert.True((await registry.ApplyActionAsync("n-rejected", "reject", "not ours")).Success);
                Assert.True((await registry.ApplyActionAsync("n-deleted", "delete", null)).Success);
                var stored = StoredNodes(path);
                registry.Heartbeat(new HeartbeatRequest { NodeID = "n-approved", AvailableCapacity = new Resources { CPU = 1 } });
                Assert.Equal(stored, StoredNodes(path));
            }

            await using var reopened = new SqliteJobStore(path, "orchestrator");
            var restarted = new NodeRegistry(_time, Options.Create(new NodeManagerOptions { DisconnectTimeout = Timeout, ManualApproval = true }), NullLogger<NodeRegistry>.Instance, reopened);
            Assert.Equal(["n-approved", "n-pending", "n-rejected"], restarted.ListById().Select(n => n.Info.NodeID));
            Assert.All(restarted.List(), n => Assert.Equal(NodeConnectionStatus.Disconnected, n.ConnectionState.Status));

            var refused = restarted.Handshake(Handshake("n-rejected"));
            Assert.False(refused.Accepted);
            Assert.Contains("rejected", refused.Reason, StringComparison.Ordinal);
            Assert.True(restarted.Handshake(Handshake("n-approved")).Accepted);
            Assert.Equal(NodeMembership.Approved, restarted.Get("n-approved")!.Membership);
            Assert.Equal(NodeConnectionStatus.Connected, restarted.Get("n-approved")!.ConnectionState.Status);
            Assert.True(restarted.Handshake(Handshake("n-pending")).Accepted);
            Assert.Equal(NodeMembership.Pending, restarted.Get("n-pending")!.Membership);
            Assert.True(restarted.Handshake(Handshake("n-deleted")).Accepted);
            Assert.Equal(NodeMembership.Pending, restarted.Get("n-deleted")!.Membership);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The stored node records as another connection reads them.</summary>
    private static string StoredNodes(string path)
    {
        using var connection = Bacalhau.Storage.SqliteDatabase.OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(body, char(10)) FROM (SELECT body FROM nodes ORDER BY id)";
        return command.ExecuteScalar() as string ?? "";
    }

    [Theory]
    [InlineData("bad.id", NodeType.Compute)]
    [InlineData("n-1", NodeType.Requester)]
    public void Invalid_nodes_are_refused_with_a_reason(string nodeId, NodeType type)
    {
        var registry = CreateRegistry();

        var response = registry.Handshake(Handshake(nodeId, type));

        Assert.False(response.Accepted);
        Assert.NotEmpty(response.Reason);
        Assert.Empty(registry.List());
    }

    [Fact]
    public async Task Unknown_actions_and_nodes_are_reported()
    {
        var registry = CreateRegistry();
        Assert.Contains("not one of", (await registry.ApplyActionAsync("n-1", "explode", null)).Error, StringComparison.Ordinal);
        Assert.Contains("not found", (await registry.ApplyActionAsync("n-1", "approve", null)).Error, StringComparison.Ordinal);
    }
}
