using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Writes a <see cref="ListNodesResponse"/> from each node's JSON, kept per <see cref="NodeState"/> instance: a node's
/// state is replaced, never changed, so its JSON stays valid until its next heartbeat, and a list of thousands of
/// nodes serializes only those that changed since the last list, reusing their info's JSON
/// (<see cref="CachedNodeInfoConverter"/>). The body's length is known before the first byte, so it goes out with a
/// Content-Length: a client reads the whole list into one buffer of the right size instead of growing one chunk by
/// chunk.
/// </summary>
internal sealed class NodeListResult(IReadOnlyList<NodeState> nodes, string? nextToken) : IResult
{
    /// <summary>
    /// Bytes written before waiting for the socket: fewer, larger sends cost the server less than one every 64 KB
    /// (about a third less CPU for a list of 10,000 nodes) and hold at most this much in the response buffer.
    /// </summary>
    private const int FlushThreshold = 1 << 20;

    private static readonly ConditionalWeakTable<NodeState, byte[]> Cache = [];
    private static readonly byte[] Open = "{\"Nodes\":["u8.ToArray();
    private static readonly BacalhauJsonContext Json = new(new JsonSerializerOptions(BacalhauJsonContext.Default.Options)
    {
        Converters = { new CachedNodeInfoConverter() },
    });

    private static byte[] JsonOf(NodeState node) =>
        Cache.GetValue(node, n => JsonSerializer.SerializeToUtf8Bytes(n, Json.NodeState));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var tail = nextToken is null ? "]}"u8.ToArray() : [.. "],\"NextToken\":"u8, .. JsonSerializer.SerializeToUtf8Bytes(nextToken, BacalhauJsonContext.Default.String), .. "}"u8];
        var json = new byte[nodes.Count][];
        long length = Open.Length + Math.Max(nodes.Count - 1, 0) + tail.Length;
        for (var i = 0; i < json.Length; i++)
        {
            json[i] = JsonOf(nodes[i]);
            length += json[i].Length;
        }

        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;
        var body = response.BodyWriter;
        body.Write(Open);
        for (var i = 0; i < json.Length; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(json[i]);
            if (body.UnflushedBytes > FlushThreshold)
            {
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        body.Write(tail);
        await body.FlushAsync(httpContext.RequestAborted);
    }
}
