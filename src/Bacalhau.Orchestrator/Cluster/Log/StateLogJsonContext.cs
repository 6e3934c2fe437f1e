using System.Text.Json.Serialization;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>The replicated log's messages and the leader lease's value, with the API's options (PascalCase, nulls left out).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StateBatch))]
[JsonSerializable(typeof(LeaderInfo))]
internal sealed partial class StateLogJsonContext : JsonSerializerContext;
