using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models;

[JsonConverter(typeof(JsonStringEnumConverter<NodeType>))]
public enum NodeType
{
    /// <summary>An orchestrator; Bacalhau still calls it a requester on the wire.</summary>
    Requester = 1,
    Compute = 2,
}
