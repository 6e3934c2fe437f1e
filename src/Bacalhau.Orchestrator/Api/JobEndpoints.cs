using System.Text;
using System.Text.Json;
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
    /// <summary>The longest reason a rerun keeps in the job's history.</summary>
    private const int MaxReasonLength = 1024;

    // Order fields as Bacalhau names them; the first is the default.
    private static readonly string[] JobOrderFields = ["created_at", "modified_at", "id"];
    private static readonly string[] ExecutionOrderFields = ["created_at", "modified_at", "id"];
    private static readonly string[] HistoryOrderFields = ["time"];
    private static readonly string[] VersionOrderFields = ["version"];
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
        jobs.MapPut("/diff", DiffJobAsync)
            .DescribesBody<DiffJobRequest>("application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests)
            .RequirePermission(ApiPermissions.ReadJob).RequireRateLimiting(SubmissionRateLimit.PolicyName).LeaderOnly();
        jobs.MapPut("/{id}/rerun", RerunJobAsync)
            .DescribesBody<RerunJobRequest>("application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequirePermission(ApiPermissions.WriteJob).RequireRateLimiting(SubmissionRateLimit.PolicyName).LeaderOnly();
        jobs.MapGet("/{id}/versions", ListVersions).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/", ListJobs).ProducesApiErrors(StatusCodes.Status400BadRequest).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}", GetJobAsync).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}/executions", ListExecutions).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}/history", ListHistory).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        jobs.MapDelete("/{id}", StopJobAsync).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.WriteJob).LeaderOnly();
        return endpoints;
    }

    /// <summary>Creates a job, or updates the one of the same name in its namespace (<c>Force</c>, or <c>?force=true</c>, even when the spec is unchanged).</summary>
    private static async Task<Results<Ok<PutJobResponse>, ApiErrorResult>> PutJobAsync(HttpRequest request, bool? force, RequestBodyReader bodies, JobSubmissions submissions, JobCoordinator coordinator, CancellationToken cancellationToken)
    {
        var (job, forced, refusal) = await ReadSubmissionAsync(request, bodies, submissions, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await coordinator.SubmitAsync(job!, forced || force == true, cancellationToken);
        return result.Error is { } error
            ? ApiErrors.BadRequest(error, "use the --force flag (Force: true) to submit it again unchanged")
            : TypedResults.Ok(new PutJobResponse { JobID = result.JobId, EvaluationID = result.EvaluationId, JobRevision = result.Revision });
    }

    /// <summary>What submitting the spec would change in the job of its name, as <c>bacalhau job run --dry-run</c> shows it; changes nothing.</summary>
    private static async Task<Results<Ok<DiffJobResponse>, ApiErrorResult>> DiffJobAsync(HttpRequest request, RequestBodyReader bodies, JobSubmissions submissions, IJobStore store, CancellationToken cancellationToken)
    {
        var (job, _, refusal) = await ReadSubmissionAsync(request, bodies, submissions, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (job!.Name == job.ID)
        {
            return ApiErrors.BadRequest("Job.Name: required for a diff, which compares the spec with the job of that name");
        }

        return store.FindJobByName(job.Namespace, job.Name) is { } existing
            ? TypedResults.Ok(new DiffJobResponse { Diff = JobDiff.Between(existing, job) })
            : NotFound(job.Name);
    }

    /// <summary>Runs a job again as its next version, with the spec of its latest version or of <c>JobVersion</c>; the body may be left out.</summary>
    private static async Task<Results<Ok<RerunJobResponse>, ApiErrorResult>> RerunJobAsync(string id, string? @namespace, HttpRequest request, RequestBodyReader bodies, IJobStore store, JobCoordinator coordinator, CancellationToken cancellationToken)
    {
        RerunJobRequest rerun;
        try
        {
            var body = await bodies.ReadUtf8Async(request, cancellationToken);
            rerun = body.IsEmpty ? new RerunJobRequest() : JsonSerializer.Deserialize(body.Span, BacalhauJsonContext.Default.RerunJobRequest) ?? new RerunJobRequest();
        }
        catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
        {
            return refusal;
        }

        if (rerun.Reason.Length > MaxReasonLength)
        {
            return ApiErrors.BadRequest($"Reason: at most {MaxReasonLength} characters");
        }

        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        var result = await coordinator.RerunAsync(job.ID, rerun.JobVersion, rerun.Reason, cancellationToken);
        return result.Error is not { } error
            ? TypedResults.Ok(new RerunJobResponse { JobID = result.JobId, JobVersion = result.Version, EvaluationID = result.EvaluationId })
            : result.NotFound ? ApiErrors.NotFound(error, ApiErrors.JobStore, "`bacalhau job versions` lists a job's versions") : ApiErrors.BadRequest(error);
    }

    /// <summary>The versions of a job, oldest first (newest with <c>reverse</c>), a page at a time.</summary>
    private static Results<Ok<ListJobVersionsResponse>, ApiErrorResult> ListVersions(string id, string? @namespace, int? limit, string? next_token, string? order_by, bool? reverse, IJobStore store)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, DefaultPageSize, VersionOrderFields, out var page, out var refused))
        {
            return refused;
        }

        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        var versions = store.GetJobVersions(job.ID);
        var (items, next) = page.Slice(page.Reverse ? [.. versions.Reverse()] : versions);
        return TypedResults.Ok(new ListJobVersionsResponse { Items = items, NextToken = next });
    }

    /// <summary>
    /// Reads a submitted spec (JSON <c>{"Job": ..., "Force": ...}</c>, or a spec file as <c>application/yaml</c>) and
    /// prepares it as every submission is; the refusal, naming the field, when it cannot be.
    /// </summary>
    private static async Task<(Job? Job, bool Force, ApiErrorResult? Refusal)> ReadSubmissionAsync(HttpRequest request, RequestBodyReader bodies, JobSubmissions submissions, CancellationToken cancellationToken)
    {
        Job job;
        var force = false;
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
                    return (null, false, ApiErrors.BadRequest("Job is required: send {\"Job\": {...}}"));
                }

                job = JobSpecReader.Read(spec, body.Length);
                force = FindProperty(fields, "Force") is JsonValue value && value.GetValueKind() == JsonValueKind.True;
            }
        }
        catch (JobSpecException ex)
        {
            return (null, false, ApiErrors.BadRequest(ex.Message));
        }
        catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
        {
            return (null, false, refusal);
        }

        return submissions.TryPrepare(job, request.ContentLength, out job, out var error)
            ? (job, force, null)
            : (null, false, ApiErrors.BadRequest(error));
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
    private static Results<Ok<ListJobExecutionsResponse>, ApiErrorResult> ListExecutions(string id, string? @namespace, ulong? job_version, bool? all_job_versions, IJobStore store, int? limit, string? next_token, string? order_by, bool? reverse)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, null, ExecutionOrderFields, out var page, out var refused))
        {
            return refused;
        }

        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        var ofVersion = OfVersion(store.GetExecutions(job.ID), e => e.JobVersion, job, job_version, all_job_versions);
        IEnumerable<Execution> executions = page.OrderBy switch
        {
            "id" => ofVersion.OrderBy(e => e.ID, StringComparer.Ordinal),
            "modified_at" => ofVersion.OrderBy(e => e.ModifyTime).ThenBy(e => e.ID, StringComparer.Ordinal),
            _ => ofVersion.OrderBy(e => e.CreateTime).ThenBy(e => e.ID, StringComparer.Ordinal),
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
        string? @namespace,
        ulong? job_version,
        bool? all_job_versions,
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

        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        var from = DateTimeOffset.FromUnixTimeSeconds(Math.Min(since ?? 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var history = OfVersion(store.GetHistory(job.ID), h => h.JobVersion, job, job_version, all_job_versions).Where(h =>
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
    private static async Task<Results<Ok<GetJobResponse>, ApiErrorResult>> GetJobAsync(string id, string? @namespace, string? include, ulong? index, string? wait, ulong? job_version, IJobStore store, CancellationToken cancellationToken)
    {
        var timeout = wait is null ? DefaultWait : GoDuration.Parse(wait);
        if (timeout is null || timeout > MaxWait)
        {
            return ApiErrors.BadRequest($"wait: '{wait}' is not a duration of at most {MaxWait.TotalMinutes} minutes (e.g. 30s, 1m)");
        }

        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        if (job_version is { } version and > 0 && version != job.Version)
        {
            // An earlier version as it was when the next replaced it; nothing to wait for.
            if (store.GetJobVersions(job.ID).FirstOrDefault(v => v.Version == version) is not { } earlier)
            {
                return ApiErrors.NotFound($"job_version: job '{id}' has no version {version}", ApiErrors.JobStore, "`bacalhau job versions` lists a job's versions");
            }

            job = earlier;
        }
        else if (index is { } seen && job.Revision <= seen)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout.Value);
            job = await store.WaitForJobAsync(job.ID, seen, deadline.Token) ?? job;
        }

        // As Bacalhau: the executions and history of the version shown.
        var parts = (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return TypedResults.Ok(new GetJobResponse
        {
            Job = job,
            Executions = parts.Contains("executions", StringComparer.OrdinalIgnoreCase) ? new ListJobExecutionsResponse { Items = OfVersion(store.GetExecutions(job.ID), e => e.JobVersion, job, null, false) } : null,
            History = parts.Contains("history", StringComparer.OrdinalIgnoreCase) ? new ListJobHistoryResponse { Items = OfVersion(store.GetHistory(job.ID), h => h.JobVersion, job, null, false) } : null,
        });
    }

    private static async Task<Results<Ok<StopJobResponse>, ApiErrorResult>> StopJobAsync(string id, string? @namespace, string? reason, IJobStore store, JobCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (Find(store, id, @namespace) is not { } job)
        {
            return NotFound(id);
        }

        var result = await coordinator.StopAsync(job.ID, reason, cancellationToken);
        return result.EvaluationId is { } evaluationId
            ? TypedResults.Ok(new StopJobResponse { EvaluationID = evaluationId })
            : ApiErrors.BadRequest(result.Error!);
    }

    /// <summary>
    /// As Bacalhau: what belongs to <paramref name="job"/>'s version (or to <paramref name="jobVersion"/>), or to every
    /// version with <paramref name="all"/>.
    /// </summary>
    public static IReadOnlyList<T> OfVersion<T>(IReadOnlyList<T> items, Func<T, ulong> versionOf, Job job, ulong? jobVersion, bool? all)
    {
        var version = jobVersion is > 0 ? jobVersion.Value : job.Version;
        return all == true ? items : [.. items.Where(i => versionOf(i) == version)];
    }

    /// <summary>A body of type <c>application/yaml</c> (or <c>text/yaml</c>) is the job spec itself, in YAML or JSON, unwrapped.</summary>
    private static bool IsSpecFile(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Value is { } media
        && (media.Equals("application/yaml", StringComparison.OrdinalIgnoreCase) || media.Equals("text/yaml", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A job by full ID, by name in <paramref name="ns"/> (the default namespace unless given), or, as Bacalhau's
    /// CLI prints IDs, by a unique ID prefix.
    /// </summary>
    public static Job? Find(IJobStore store, string id, string? ns = null) =>
        store.GetJob(id) ?? store.FindJobByName(string.IsNullOrEmpty(ns) ? JobDefaults.Namespace : ns, id) ?? store.FindJobByPrefix(id);

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
