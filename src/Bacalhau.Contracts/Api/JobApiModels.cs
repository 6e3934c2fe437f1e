using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Contracts.Api;

/// <summary>Answer of the legacy <c>POST /api/v1/run</c>: the CID of the job's published result, lower-case as Bacalhau wrote it.</summary>
public sealed record RunJobResponse
{
    [System.Text.Json.Serialization.JsonPropertyName("cid")]
    public required string Cid { get; set; }
}

/// <summary>Body of <c>PUT|POST /api/v1/orchestrator/jobs</c>.</summary>
public sealed record PutJobRequest
{
    public Job? Job { get; set; }
    public bool Force { get; set; }
}

public sealed record PutJobResponse
{
    public required string JobID { get; set; }
    public required string EvaluationID { get; set; }

    /// <summary>The job's revision as this submission left it: a blocking GET with <c>?index=</c> this value waits for its next change.</summary>
    public ulong JobRevision { get; set; }

    public IReadOnlyList<string> Warnings { get; set; } = [];
}

public sealed record ListJobsResponse
{
    public IReadOnlyList<Job> Items { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed record GetJobResponse
{
    public required Job Job { get; set; }
    public ListJobHistoryResponse? History { get; set; }
    public ListJobExecutionsResponse? Executions { get; set; }
}

public sealed record ListJobExecutionsResponse
{
    public IReadOnlyList<Execution> Items { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed record ListJobHistoryResponse
{
    public IReadOnlyList<JobHistory> Items { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed record ListJobResultsResponse
{
    public IReadOnlyList<SpecConfig> Items { get; set; } = [];
    public string? NextToken { get; set; }
}

public sealed record StopJobResponse
{
    public required string EvaluationID { get; set; }
}

/// <summary>Body of <c>PUT /api/v1/orchestrator/jobs/diff</c>: the spec to compare with the job of the same name.</summary>
public sealed record DiffJobRequest
{
    public Job? Job { get; set; }
}

/// <summary>What submitting the spec would change in the job of its name; empty when nothing.</summary>
public sealed record DiffJobResponse
{
    public required string Diff { get; set; }
    public IReadOnlyList<string> Warnings { get; set; } = [];
}

/// <summary>The versions of a job, oldest first: each as it was when the next replaced it, the last as it is now.</summary>
public sealed record ListJobVersionsResponse
{
    public IReadOnlyList<Job> Items { get; set; } = [];
    public string? NextToken { get; set; }
}

/// <summary>Body of <c>PUT /api/v1/orchestrator/jobs/{id}/rerun</c>; <see cref="JobVersion"/> 0 reruns the latest.</summary>
public sealed record RerunJobRequest
{
    public ulong JobVersion { get; set; }
    public string Reason { get; set; } = "";
}

public sealed record RerunJobResponse
{
    public required string JobID { get; set; }
    public required ulong JobVersion { get; set; }
    public required string EvaluationID { get; set; }
    public IReadOnlyList<string> Warnings { get; set; } = [];
}
