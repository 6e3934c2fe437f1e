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

/// <summary>
/// Bacalhau's error body, on every 4xx and 5xx answer: the HTTP status, a message a user can act on, the request's ID
/// (also in the <c>X-Request-ID</c> header and the server's log), Bacalhau's code name for the kind of error, the part
/// of the server it came from, and, where there is something to say, a hint of what to do.
/// </summary>
public sealed record ApiError
{
    public int Status { get; set; }
    public required string Message { get; set; }
    public string RequestID { get; set; } = "";
    public string Code { get; set; } = "";
    public string Component { get; set; } = "";
    public string? Hint { get; set; }
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
