using System.Text;
using System.Text.Json.Nodes;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Bacalhau.Orchestrator.Api;

internal static class JobEndpoints
{
    /// <summary>What to do about a job ID that names no job.</summary>
    public const string ListJobsHint = "`bacalhau job list` lists the jobs";

    public const string Prefix = "/api/v1/orchestrator/jobs";
    private const int DefaultPageSize = 100;

    // Order fields as Bacalhau names them; the first is the default.
    private static readonly string[] JobOrderFields = ["created_at", "modified_at", "id"];
    private static readonly string[] ExecutionOrderFields = ["created_at", "modified_at", "id"];
    private static readonly string[] HistoryOrderFields = ["time"];
    private static readonly string[] EventTypes = ["all", "job", "execution"];
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup(Prefix).WithTags("Jobs");

        // The body is read by hand (JSON or a YAML spec file), so its model is declared for the API's description.
        jobs.MapMethods("/", [HttpMethods.Put, HttpMethods.Post], PutJobAsync)
            .DescribesBody<PutJobRequest>("application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests)
            .RequirePermission(ApiPermissions.WriteJob).RequireRateLimiting(SubmissionRateLimit.PolicyName).LeaderOnly();
        jobs.MapGet("/", ListJobs).ProducesApiErrors(StatusCodes.Status400BadRequest).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}", GetJobAsync).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}/executions", ListExecutions).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}/history", ListHistory).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapDelete("/{id}", StopJobAsync).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.WriteJob).LeaderOnly();
        return endpoints;
    }

    private static async Task<Results<Ok<PutJobResponse>, ApiErrorResult>> PutJobAsync(HttpRequest request, RequestBodyReader bodies, JobSubmissions submissions, JobCoordinator coordinator, CancellationToken cancellationToken)
    {
        Job job;
        try
        {
            var body = await bodies.ReadUtf8Async(request, cancellationToken);
            if (IsSpecFile(request))
            {
                // A spec file as `bacalhau job run` reads one (the web UI's submit page sends what was pasted).
                job = JobSpecReader.Read(Encoding.UTF8.GetString(body.Span));
            }
            else
            {
                // Parsed once, from the body's bytes, with the spec reader's rules; the spec is read from that tree.
                if (SpecJson.Parse(body.Span) is not JsonObject fields || FindProperty(fields, "Job") is not JsonObject spec)
                {
                    return ApiErrors.BadRequest("Job is required: send {\"Job\": {...}}");
                }

                job = JobSpecReader.Read(spec, body.Length);
            }
        }
        catch (JobSpecException ex)
        {
            return ApiErrors.BadRequest(ex.Message);
        }
        catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
        {
            return refusal;
        }

        if (!submissions.TryPrepare(job, request.ContentLength, out job, out var error))
        {
            return ApiErrors.BadRequest(error);
        }

        var result = await coordinator.SubmitAsync(job, cancellationToken);
        return TypedResults.Ok(new PutJobResponse { JobID = result.JobId, EvaluationID = result.EvaluationId });
    }

    /// <summary>
    /// A page of jobs in <c>order_by</c> order (<c>created_at</c>, <c>modified_at</c>, <c>id</c>); <c>state</c> (a job
    /// state), <c>label</c> (<c>key</c> or <c>key=value</c>), <c>name</c> (part of the job's name), <c>namespace</c> and
    /// <c>labels</c> (Bacalhau's label selectors) narrow it, each checked and refused naming it when it is not one.
    /// </summary>
    private static Results<Ok<ListJobsResponse>, ApiErrorResult> ListJobs(
        IJobStore store,
        int? limit,
        string? next_token,
        bool? reverse,
        string? order_by,
        string? state,
        string? label,
        string? name,
        string? @namespace,
        string[]? labels)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, DefaultPageSize, JobOrderFields, out var page, out var refused))
        {
            return refused;
        }

        if (!JobFilters.TryRead(state, label, name, @namespace, labels, out var filter, out var error))
        {
            return ApiErrors.BadRequest(error);
        }

        var size = page.Limit!.Value;
        var order = page.OrderBy switch
        {
            "id" => JobOrder.Id,
            "modified_at" => JobOrder.ModifiedAt,
            _ => JobOrder.CreatedAt,
        };
        var items = store.ListJobs(page.Offset, size, page.Reverse, filter, order);
        var more = items.Count == size && (!filter.IsAll || page.Offset + items.Count < store.JobCount);
        return TypedResults.Ok(new ListJobsResponse { Items = items, NextToken = more ? PageTokens.For(page.Offset + items.Count, page) : null });
    }

    /// <summary>A job's executions in <c>order_by</c> order (<c>created_at</c>, <c>modified_at</c>, <c>id</c>), all unless <c>limit</c> asks for a page.</summary>
    private static Results<Ok<ListJobExecutionsResponse>, ApiErrorResult> ListExecutions(string id, IJobStore store, int? limit, string? next_token, string? order_by, bool? reverse)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, null, ExecutionOrderFields, out var page, out var refused))
        {
            return refused;
        }

        if (Find(store, id) is not { } job)
        {
            return NotFound(id);
        }

        IEnumerable<Execution> executions = page.OrderBy switch
        {
            "id" => store.GetExecutions(job.ID).OrderBy(e => e.ID, StringComparer.Ordinal),
            "modified_at" => store.GetExecutions(job.ID).OrderBy(e => e.ModifyTime).ThenBy(e => e.ID, StringComparer.Ordinal),
            _ => store.GetExecutions(job.ID).OrderBy(e => e.CreateTime).ThenBy(e => e.ID, StringComparer.Ordinal),
        };
        var (items, next) = page.Slice<Execution>([.. page.Reverse ? executions.Reverse() : executions]);
        return TypedResults.Ok(new ListJobExecutionsResponse { Items = items, NextToken = next });
    }

    /// <summary>
    /// A job's history in order, all unless <c>limit</c> asks for a page; <c>event_type</c> (<c>all</c>, <c>job</c>,
    /// <c>execution</c>), <c>execution_id</c> and <c>since</c> (Unix seconds) narrow it.
    /// </summary>
    private static Results<Ok<ListJobHistoryResponse>, ApiErrorResult> ListHistory(
        string id,
        IJobStore store,
        int? limit,
        string? next_token,
        string? order_by,
        bool? reverse,
        string? event_type,
        string? execution_id,
        long? since)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, null, HistoryOrderFields, out var page, out var refused))
        {
            return refused;
        }

        var type = string.IsNullOrEmpty(event_type) ? "all" : EventTypes.FirstOrDefault(t => t.Equals(event_type, StringComparison.OrdinalIgnoreCase));
        if (type is null)
        {
            return ApiErrors.BadRequest($"event_type: '{(event_type!.Length <= 64 ? event_type : event_type[..64] + "...")}' is not one of {string.Join(", ", EventTypes)}");
        }

        if (since < 0)
        {
            return ApiErrors.BadRequest($"since must be Unix seconds, not negative, got {since}");
        }

        if (Find(store, id) is not { } job)
        {
            return NotFound(id);
        }

        var from = DateTimeOffset.FromUnixTimeSeconds(Math.Min(since ?? 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var history = store.GetHistory(job.ID).Where(h =>
            (type == "all" || (type == "job") == (h.Type == JobHistoryType.JobLevel))
            && (string.IsNullOrEmpty(execution_id) || h.ExecutionID == execution_id)
            && h.Time >= from);
        var (items, next) = page.Slice<JobHistory>([.. page.Reverse ? history.Reverse() : history]);
        return TypedResults.Ok(new ListJobHistoryResponse { Items = items, NextToken = next });
    }

    /// <summary>
    /// A job; with <c>index</c> (a revision the caller has seen) and <c>wait</c> a blocking query: the answer comes
    /// when the job's revision passes that index, or when the wait is over.
    /// </summary>
    private static async Task<Results<Ok<GetJobResponse>, ApiErrorResult>> GetJobAsync(string id, string? include, ulong? index, string? wait, IJobStore store, CancellationToken cancellationToken)
    {
        var timeout = wait is null ? DefaultWait : GoDuration.Parse(wait);
        if (timeout is null || timeout > MaxWait)
        {
            return ApiErrors.BadRequest($"wait: '{wait}' is not a duration of at most {MaxWait.TotalMinutes} minutes (e.g. 30s, 1m)");
        }

        if (Find(store, id) is not { } job)
        {
            return NotFound(id);
        }

        if (index is { } seen && job.Revision <= seen)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout.Value);
            job = await store.WaitForJobAsync(job.ID, seen, deadline.Token) ?? job;
        }

        var parts = (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return TypedResults.Ok(new GetJobResponse
        {
            Job = job,
            Executions = parts.Contains("executions", StringComparer.OrdinalIgnoreCase) ? new ListJobExecutionsResponse { Items = store.GetExecutions(job.ID) } : null,
            History = parts.Contains("history", StringComparer.OrdinalIgnoreCase) ? new ListJobHistoryResponse { Items = store.GetHistory(job.ID) } : null,
        });
    }

    private static async Task<Results<Ok<StopJobResponse>, ApiErrorResult>> StopJobAsync(string id, string? reason, IJobStore store, JobCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (Find(store, id) is not { } job)
        {
            return NotFound(id);
        }

        var result = await coordinator.StopAsync(job.ID, reason, cancellationToken);
        return result.EvaluationId is { } evaluationId
            ? TypedResults.Ok(new StopJobResponse { EvaluationID = evaluationId })
            : ApiErrors.BadRequest(result.Error!);
    }

    /// <summary>A body of type <c>application/yaml</c> (or <c>text/yaml</c>) is the job spec itself, in YAML or JSON, unwrapped.</summary>
    private static bool IsSpecFile(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Value is { } media
        && (media.Equals("application/yaml", StringComparison.OrdinalIgnoreCase) || media.Equals("text/yaml", StringComparison.OrdinalIgnoreCase));

    /// <summary>A job by full ID or, as Bacalhau's CLI prints them, by a unique prefix.</summary>
    public static Job? Find(IJobStore store, string id) => store.GetJob(id) ?? store.FindJobByPrefix(id);

    public static ApiErrorResult NotFound(string id) => ApiErrors.NotFound($"job '{id}' not found", ApiErrors.JobStore, ListJobsHint);

    private static JsonNode? FindProperty(JsonObject fields, string name)
    {
        foreach (var (key, value) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
