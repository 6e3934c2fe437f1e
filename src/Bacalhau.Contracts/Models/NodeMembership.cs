using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models;

[JsonConverter(typeof(JsonStringEnumConverter<NodeMembership>))]
public enum NodeMembership
{
    [JsonStringEnumMemberName("PENDING")] Pending = 1,
    [JsonStringEnumMemberName("APPROVED")] Approved = 2,
    [JsonStringEnumMemberName("REJECTED")] Rejected = 3,
}
