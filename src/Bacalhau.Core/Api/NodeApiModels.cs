using Bacalhau.Core.Models;

namespace Bacalhau.Core.Api;

public sealed record ListNodesResponse
{
    public IReadOnlyList<NodeState> Nodes { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record GetNodeResponse
{
    public required NodeState Node { get; init; }
}

/// <summary>Body of <c>PUT /api/v1/orchestrator/nodes/{id}</c>.</summary>
public sealed record UpdateNodeRequest
{
    public string? Action { get; init; }
    public string? Message { get; init; }
}

public sealed record UpdateNodeResponse
{
    public bool Success { get; init; }
    public string Error { get; init; } = "";
}

public sealed record IsAliveResponse
{
    public string Status { get; init; } = "OK";
}

/// <summary>Bacalhau's error body: a message a user can act on, and the HTTP status.</summary>
public sealed record ApiError
{
    public required string Message { get; init; }
    public int Code { get; init; }
}
