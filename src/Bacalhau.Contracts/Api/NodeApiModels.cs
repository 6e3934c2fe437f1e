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

/// <summary>
/// Body of <c>GET /api/v1/orchestrator/overview</c>: the counts the web UI's overview plots, read from memory (open
/// jobs, nodes) and from this orchestrator's counters since it started (finished jobs), never from a scan of all jobs.
/// </summary>
public sealed record OrchestratorOverview
{
    /// <summary>Every job ever recorded.</summary>
    public long Jobs { get; set; }

    /// <summary>Unfinished jobs by state (<c>Pending</c>, <c>Queued</c>, <c>Running</c>).</summary>
    public IReadOnlyDictionary<string, int> OpenJobs { get; set; } = new Dictionary<string, int>();

    /// <summary>Jobs that finished since this orchestrator started, by state (<c>Completed</c>, <c>Failed</c>, <c>Stopped</c>).</summary>
    public IReadOnlyDictionary<string, long> FinishedSinceStart { get; set; } = new Dictionary<string, long>();

    /// <summary>Jobs waiting to be placed on a node.</summary>
    public int QueueDepth { get; set; }

    /// <summary>Compute nodes by connection state (<c>CONNECTED</c>, <c>DISCONNECTED</c>).</summary>
    public IReadOnlyDictionary<string, int> NodesByConnection { get; set; } = new Dictionary<string, int>();

    /// <summary>Compute nodes by membership (<c>APPROVED</c>, <c>PENDING</c>, <c>REJECTED</c>).</summary>
    public IReadOnlyDictionary<string, int> NodesByMembership { get; set; } = new Dictionary<string, int>();
}
