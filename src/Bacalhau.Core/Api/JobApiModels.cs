using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Core.Api;

/// <summary>Body of <c>PUT|POST /api/v1/orchestrator/jobs</c>.</summary>
public sealed record PutJobRequest
{
    public Job? Job { get; init; }
    public bool Force { get; init; }
}

public sealed record PutJobResponse
{
    public required string JobID { get; init; }
    public required string EvaluationID { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record ListJobsResponse
{
    public IReadOnlyList<Job> Items { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record GetJobResponse
{
    public required Job Job { get; init; }
    public ListJobHistoryResponse? History { get; init; }
    public ListJobExecutionsResponse? Executions { get; init; }
}

public sealed record ListJobExecutionsResponse
{
    public IReadOnlyList<Execution> Items { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record ListJobHistoryResponse
{
    public IReadOnlyList<JobHistory> Items { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record ListJobResultsResponse
{
    public IReadOnlyList<SpecConfig> Items { get; init; } = [];
    public string? NextToken { get; init; }
}

public sealed record StopJobResponse
{
    public required string EvaluationID { get; init; }
}
