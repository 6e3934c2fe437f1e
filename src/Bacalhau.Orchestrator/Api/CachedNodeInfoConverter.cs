using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Writes a <see cref="NodeInfo"/> from its JSON, kept per instance. Infos are replaced, never changed, and a
/// heartbeat keeps a node's info while its capacity stays the same, so a node whose state changed with every
/// heartbeat serializes only its connection state again. Write-only: the node list is its one user.
/// </summary>
internal sealed class CachedNodeInfoConverter : JsonConverter<NodeInfo>
{
    private static readonly ConditionalWeakTable<NodeInfo, byte[]> Cache = [];

    public override NodeInfo Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException($"{nameof(CachedNodeInfoConverter)} only writes");

    public override void Write(Utf8JsonWriter writer, NodeInfo value, JsonSerializerOptions options) =>
        writer.WriteRawValue(
            Cache.GetValue(value, info => JsonSerializer.SerializeToUtf8Bytes(info, BacalhauJsonContext.Default.NodeInfo)),
            skipInputValidation: true);
}
