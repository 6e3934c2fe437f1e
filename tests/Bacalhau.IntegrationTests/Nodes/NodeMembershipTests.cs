using System.Net.Http.Json;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Nodes;

/// <summary>Compute nodes joining, heartbeating and leaving a real cluster over real NATS.</summary>
[Collection(SharedCluster.Name)]
public sealed class NodeMembershipTests(ClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-node-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_replica_count_set_by_the_test_reaches_connected()
    {
        var replicas = await cluster.WaitForReplicasAsync();

        Assert.All(replicas, node =>
        {
            Assert.Equal(NodeType.Compute, node.Info.NodeType);
            Assert.Equal(NodeMembership.Approved, node.Membership);
            Assert.True(node.Info.ComputeNodeInfo!.MaxCapacity.CPU > 0);
        });
        Assert.Equal(ClusterFixture.ComputeReplicas, replicas.Select(n => n.Info.NodeID).Distinct().Count());
    }

    [Fact]
    public async Task A_node_that_stops_heartbeating_becomes_disconnected()
    {
        await using var node = cluster.StartComputeNode(_scratch);
        var nodeId = await node.WaitForNodeIdAsync(JoinTimeout);
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, JoinTimeout);

        node.Process.Kill();

        var disconnected = await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Disconnected, ClusterFixture.DisconnectTimeout * 5);
        Assert.NotNull(disconnected.ConnectionState.DisconnectedSince);
        Assert.Contains("no heartbeat", disconnected.ConnectionState.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_with_a_wrong_token_never_appears_and_says_why()
    {
        await using var node = cluster.StartComputeNode(_scratch, token: "not-the-cluster-token");
        var nodeId = await node.WaitForNodeIdAsync(JoinTimeout);

        await node.Process.WaitForOutputAsync("authorization violation", JoinTimeout);

        // Once a node with the right token, started after it, has joined, it is still absent, and still retrying
        // rather than crashed.
        await using var witness = cluster.StartComputeNode(Directory.CreateDirectory(Path.Combine(_scratch, "witness")).FullName);
        await cluster.WaitForNodeAsync(await witness.WaitForNodeIdAsync(JoinTimeout), NodeConnectionStatus.Connected, JoinTimeout);
        Assert.Null(await cluster.FindNodeAsync(nodeId));
        Assert.False(node.Process.HasExited);
    }

    [Fact]
    public async Task A_restarted_node_keeps_its_id_and_a_graceful_stop_disconnects_at_once()
    {
        string nodeId;
        await using (var first = cluster.StartComputeNode(_scratch))
        {
            nodeId = await first.WaitForNodeIdAsync(JoinTimeout);
            await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, JoinTimeout);

            await first.Process.StopAsync(TimeSpan.FromSeconds(20));
        }

        // The shutdown notice, not the heartbeat timeout, disconnects it.
        var stopped = await cluster.FindNodeAsync(nodeId);
        Assert.Equal(NodeConnectionStatus.Disconnected, stopped?.ConnectionState.Status);
        Assert.Contains("shut down", stopped!.ConnectionState.LastError, StringComparison.Ordinal);

        await using var second = cluster.StartComputeNode(_scratch);
        Assert.Equal(nodeId, await second.WaitForNodeIdAsync(JoinTimeout));
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, JoinTimeout);
    }

    [Fact]
    public async Task A_rejected_node_stays_rejected_after_the_orchestrator_restarts()
    {
        await using var node = cluster.StartComputeNode(_scratch);
        var nodeId = await node.WaitForNodeIdAsync(JoinTimeout);
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, JoinTimeout);
        using (var reject = await cluster.Api.PutAsJsonAsync($"/api/v1/orchestrator/nodes/{nodeId}", new UpdateNodeRequest { Action = "reject", Message = "not ours" }, Contracts.Serialization.BacalhauJsonContext.Default.UpdateNodeRequest))
        {
            Assert.True((await reject.Content.ReadFromJsonAsync(Contracts.Serialization.BacalhauJsonContext.Default.UpdateNodeResponse))!.Success);
        }

        await cluster.KillAndRestartOrchestratorAsync(JoinTimeout);

        // The node comes back to join the restarted orchestrator, and is refused.
        await node.Process.WaitForOutputAsync("rejected by the orchestrator", JoinTimeout);
        var listed = await cluster.FindNodeAsync(nodeId);
        Assert.Equal(NodeMembership.Rejected, listed?.Membership);
        Assert.NotEqual(NodeConnectionStatus.Connected, listed!.ConnectionState.Status);

        using var delete = await cluster.Api.PutAsJsonAsync($"/api/v1/orchestrator/nodes/{nodeId}", new UpdateNodeRequest { Action = "delete" }, Contracts.Serialization.BacalhauJsonContext.Default.UpdateNodeRequest);
        Assert.True((await delete.Content.ReadFromJsonAsync(Contracts.Serialization.BacalhauJsonContext.Default.UpdateNodeResponse))!.Success);
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, JoinTimeout);
    }

    [Fact]
    public async Task The_node_list_is_in_id_order_and_pages_with_next_token()
    {
        await cluster.WaitForReplicasAsync();
        using var whole = await cluster.Api.GetAsync("/api/v1/orchestrator/nodes");
        var body = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, whole.Content.Headers.ContentLength);
        var all = JsonSerializer.Deserialize(body, Contracts.Serialization.BacalhauJsonContext.Default.ListNodesResponse)!;
        var ids = all.Nodes.Select(n => n.Info.NodeID).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Null(all.NextToken);

        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await cluster.Api.GetFromJsonAsync($"/api/v1/orchestrator/nodes?limit=3{(token is null ? "" : $"&next_token={token}")}", Contracts.Serialization.BacalhauJsonContext.Default.ListNodesResponse);
            Assert.InRange(page!.Nodes.Count, 1, 3);
            paged.AddRange(page.Nodes.Select(n => n.Info.NodeID));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.Equal(ids, paged);
    }

    [Fact]
    public async Task Node_and_agent_endpoints_answer_in_bacalhau_shapes()
    {
        var replicaId = (await cluster.WaitForReplicasAsync())[0].Info.NodeID;
        using var nodes = JsonDocument.Parse(await cluster.Api.GetStringAsync("/api/v1/orchestrator/nodes"));
        var replica = nodes.RootElement.GetProperty("Nodes").EnumerateArray().Single(n => n.GetProperty("Info").GetProperty("NodeID").GetString() == replicaId);
        Assert.Equal("CONNECTED", replica.GetProperty("ConnectionState").GetProperty("Status").GetString());
        Assert.Equal("APPROVED", replica.GetProperty("Membership").GetString());
        Assert.Equal("Compute", replica.GetProperty("Info").GetProperty("NodeType").GetString());
        var nodeId = replica.GetProperty("Info").GetProperty("NodeID");

        using var one = JsonDocument.Parse(await cluster.Api.GetStringAsync($"/api/v1/orchestrator/nodes/{nodeId.GetString()}"));
        Assert.Equal(nodeId.GetString(), one.RootElement.GetProperty("Node").GetProperty("Info").GetProperty("NodeID").GetString());

        var missing = await cluster.Api.GetAsync("/api/v1/orchestrator/nodes/no-such-node");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-node", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var alive = JsonDocument.Parse(await cluster.Api.GetStringAsync("/api/v1/agent/alive"));
        Assert.Equal("OK", alive.RootElement.GetProperty("Status").GetString());

        using var version = JsonDocument.Parse(await cluster.Api.GetStringAsync("/api/v1/agent/version"));
        Assert.StartsWith("v", version.RootElement.GetProperty("GitVersion").GetString(), StringComparison.Ordinal);

        using var agent = JsonDocument.Parse(await cluster.Api.GetStringAsync("/api/v1/agent/node"));
        Assert.Equal("Requester", agent.RootElement.GetProperty("NodeType").GetString());
    }
}
