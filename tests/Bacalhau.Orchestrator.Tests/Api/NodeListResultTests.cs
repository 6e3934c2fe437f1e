using System.Text;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Api;
using Microsoft.AspNetCore.Http;

namespace Bacalhau.Orchestrator.Tests.Api;

public sealed class NodeListResultTests
{
    private static NodeState Node(string id, string label) => new()
    {
        Info = new NodeInfo
        {
            NodeID = id,
            NodeType = NodeType.Compute,
            Labels = new Dictionary<string, string> { ["zone"] = label },
            ComputeNodeInfo = new ComputeNodeInfo { ExecutionEngines = ["noop"] },
        },
        Membership = NodeMembership.Approved,
        ConnectionState = new ConnectionState { Status = NodeConnectionStatus.Connected },
    };

    private static async Task<string> WriteAsync(IReadOnlyList<NodeState> nodes, string? nextToken) =>
        (await ExecuteAsync(nodes, nextToken)).Body;

    private static async Task<(string Body, long? ContentLength, int BodyLength)> ExecuteAsync(IReadOnlyList<NodeState> nodes, string? nextToken)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await new NodeListResult(nodes, nextToken).ExecuteAsync(context);
        return (Encoding.UTF8.GetString(body.ToArray()), context.Response.ContentLength, (int)body.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2")]
    public async Task Writes_what_the_serializer_writes_for_the_response(string? nextToken)
    {
        IReadOnlyList<NodeState> nodes = [Node("n-1", "a"), Node("n-2", "b")];

        var written = await WriteAsync(nodes, nextToken);

        var expected = JsonSerializer.Serialize(new ListNodesResponse { Nodes = nodes, NextToken = nextToken }, BacalhauJsonContext.Default.ListNodesResponse);
        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(3, "3")]
    [InlineData(5_000, "5000")]
    public async Task The_content_length_is_the_length_of_the_body(int count, string? nextToken)
    {
        var nodes = Enumerable.Range(0, count).Select(i => Node($"n-{i}", "zone-ü")).ToList();

        var (body, contentLength, bodyLength) = await ExecuteAsync(nodes, nextToken);

        Assert.Equal(bodyLength, contentLength);
        Assert.Equal(count, JsonSerializer.Deserialize(body, BacalhauJsonContext.Default.ListNodesResponse)!.Nodes.Count);
    }

    [Fact]
    public async Task A_replaced_node_state_is_written_anew()
    {
        var node = Node("n-1", "a");
        Assert.Contains("\"zone\":\"a\"", await WriteAsync([node], null), StringComparison.Ordinal);

        var moved = node with { Info = node.Info with { Labels = new Dictionary<string, string> { ["zone"] = "b" } } };

        Assert.Contains("\"zone\":\"b\"", await WriteAsync([moved], null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_heartbeat_that_keeps_the_info_is_written_with_its_new_time()
    {
        var node = Node("n-1", "a");
        var before = await WriteAsync([node], null);

        var beaten = node with { ConnectionState = node.ConnectionState with { LastHeartbeat = DateTimeOffset.UnixEpoch } };
        var after = await WriteAsync([beaten], null);

        Assert.DoesNotContain("1970-01-01", before, StringComparison.Ordinal);
        Assert.Contains("\"LastHeartbeat\":\"1970-01-01T00:00:00+00:00\"", after, StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(new ListNodesResponse { Nodes = [beaten] }, BacalhauJsonContext.Default.ListNodesResponse), after);
    }

    [Fact]
    public async Task An_empty_list_is_valid_json()
    {
        using var document = JsonDocument.Parse(await WriteAsync([], null));
        Assert.Equal(0, document.RootElement.GetProperty("Nodes").GetArrayLength());
    }
}
