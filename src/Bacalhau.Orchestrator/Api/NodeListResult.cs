using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bacalhau.Core.Api;
using Bacalhau.Core.Models;
using Bacalhau.Core.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Writes a <see cref="ListNodesResponse"/> from each node's JSON, kept per <see cref="NodeState"/> instance: a node's
/// state is replaced, never changed, so its JSON stays valid until its next heartbeat, and a list of thousands of
/// nodes serializes only those that changed since the last list.
/// </summary>
public sealed class NodeListResult(IReadOnlyList<NodeState> nodes, string? nextToken) : IResult
{
    private static readonly ConditionalWeakTable<NodeState, byte[]> Cache = [];
    private static readonly byte[] Open = "{\"Nodes\":["u8.ToArray();

    private static byte[] JsonOf(NodeState node) =>
        Cache.GetValue(node, n => JsonSerializer.SerializeToUtf8Bytes(n, BacalhauJsonContext.Default.NodeState));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        var body = httpContext.Response.BodyWriter;
        body.Write(Open);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(JsonOf(nodes[i]));
            if (body.UnflushedBytes > 64 * 1024)
            {
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        body.Write("]"u8);
        if (nextToken is not null)
        {
            body.Write(",\"NextToken\":"u8);
            body.Write(JsonSerializer.SerializeToUtf8Bytes(nextToken, BacalhauJsonContext.Default.String));
        }

        body.Write("}"u8);
        await body.FlushAsync(httpContext.RequestAborted);
    }
}
