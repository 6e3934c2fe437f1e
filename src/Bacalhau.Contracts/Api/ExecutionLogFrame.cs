using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Api;

/// <summary>
/// One WebSocket message of <c>GET /api/v1/orchestrator/jobs/{id}/logs</c>, as Bacalhau writes it: a line as
/// <c>{"value":{"Type":1,"Line":"...\n"}}</c>, or a failure as <c>{"error":"...","value":{"Type":0,"Line":""}}</c> just
/// before the server closes the socket (normal closure either way).
/// </summary>
public sealed record ExecutionLogFrame
{
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("value")]
    public ExecutionLogValue Value { get; init; } = new();
}

/// <summary>Bacalhau's <c>models.ExecutionLog</c>: Type 1 is stdout, 2 stderr; Line ends with its newline.</summary>
public sealed record ExecutionLogValue
{
    public int Type { get; init; }

    public string Line { get; init; } = "";
}
