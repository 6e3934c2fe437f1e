using Bacalhau.Contracts.Models;

namespace Bacalhau.Contracts.Api;

public sealed record ListNodesResponse
{
    public IReadOnlyList<NodeState> Nodes { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed record GetNodeResponse
{
    public required NodeState Node { get; set; }
}

/// <summary>Body of <c>PUT /api/v1/orchestrator/nodes/{id}</c>.</summary>
public sealed record UpdateNodeRequest
{
    public string? Action { get; set; }
    public string? Message { get; set; }
}

public sealed record UpdateNodeResponse
{
    public bool Success { get; set; }
    public string Error { get; set; } = "";
}

public sealed record IsAliveResponse
{
    public string Status { get; set; } = "OK";
}

/// <summary>Bacalhau's error body: a message a user can act on, and the HTTP status.</summary>
public sealed record ApiError
{
    public required string Message { get; set; }
    public int Code { get; set; }
}
