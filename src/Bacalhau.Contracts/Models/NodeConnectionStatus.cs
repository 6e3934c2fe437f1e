using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models;

[JsonConverter(typeof(JsonStringEnumConverter<NodeConnectionStatus>))]
public enum NodeConnectionStatus
{
    [JsonStringEnumMemberName("CONNECTED")] Connected = 0,
    [JsonStringEnumMemberName("DISCONNECTED")] Disconnected = 1,
}
