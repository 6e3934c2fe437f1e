using System.Diagnostics;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;
using Bacalhau.JobSpecs.Legacy;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Bacalhau's legacy generic endpoint, <c>POST /api/v1/run</c>: the body is a <c>v1beta1</c> job spec, the job runs like
/// any other, and the answer waits for it to end: <c>{"cid": "..."}</c>, the CID its result is served under at
/// <c>/ipfs/{cid}</c>. Old clients post without a content type, so the body is read as JSON whatever it says.
/// </summary>
internal static partial class RunEndpoints
{
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Orchestrator.Api");

    /// <summary>How long a job without its own <c>Timeout</c> is waited for, once scheduled.</summary>
    private static readonly TimeSpan DefaultRunTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Time for the node to publish the result and report back, on top of the job's own timeout.</summary>
    private static readonly TimeSpan PublishGrace = TimeSpan.FromMinutes(1);

    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The body, a v1beta1 spec read by hand, has no model of its own here: any JSON object.
        endpoints.MapPost("/api/v1/run", RunAsync).WithTags("Jobs")
            .DescribesBody<JsonElement>("application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError, StatusCodes.Status504GatewayTimeout).RequirePermission(ApiPermissions.WriteJob).RequireRateLimiting(SubmissionRateLimit.PolicyName).LeaderOnly();
        return endpoints;
    }

    private static async Task<Results<Ok<RunJobResponse>, ApiErrorResult>> RunAsync(
        HttpRequest request,
        RequestBodyReader bodies,
        JobSubmissions submissions,
        JobCoordinator coordinator,
        IJobStore store,
        IOptions<SchedulerOptions> scheduler,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("legacy run");
        var logger = loggers.CreateLogger(typeof(RunEndpoints));
        Job job;
        try
        {
            job = LegacySpecTranslator.Translate((await bodies.ReadUtf8Async(request, cancellationToken)).Span);
        }
        catch (JobSpecException ex)
        {
            return Refuse(logger, activity, ex.Message);
        }
        catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
        {
            return refusal;
        }

        if (!submissions.TryPrepare(job, request.ContentLength, out job, out var error))
        {
            return Refuse(logger, activity, error);
        }

        activity?.SetTag("bacalhau.job.id", job.ID);
        // A legacy spec named like a job of ours updates it, as a submission by name does; it is always run again.
        job = job with { ID = (await coordinator.SubmitAsync(job, force: true, cancellationToken)).JobId };
        LogSubmitted(logger, job.ID, job.Tasks[0].Engine.Type);

        var task = job.Tasks[0];
        var queue = task.Timeouts.QueueTimeout > 0 ? TimeSpan.FromSeconds(task.Timeouts.QueueTimeout) : scheduler.Value.QueueTimeout;
        var run = task.Timeouts.ExecutionTimeout > 0 ? TimeSpan.FromSeconds(task.Timeouts.ExecutionTimeout) : DefaultRunTimeout;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(queue + run + PublishGrace);
        Job? done;
        try
        {
            done = await store.WhenTerminalAsync(job.ID, bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogGaveUp(logger, job.ID);
            activity?.SetStatus(ActivityStatusCode.Error, "timed out");
            return ApiErrors.Error($"job {job.ID} did not finish within {(queue + run + PublishGrace).TotalSeconds:F0} s; it goes on, see /api/v1/orchestrator/jobs/{job.ID}", StatusCodes.Status504GatewayTimeout);
        }

        if (done?.State.StateType != JobStateType.Completed)
        {
            var message = done is null ? "disappeared" : $"{done.State.StateType}: {done.State.Message}";
            LogFailed(logger, job.ID, message);
            activity?.SetStatus(ActivityStatusCode.Error, message);
            return ApiErrors.Error($"job {job.ID} {message}", StatusCodes.Status500InternalServerError);
        }

        var cid = store.GetExecutions(job.ID)
            .Where(e => e.ComputeState.StateType == ExecutionStateType.Completed && e.PublishedResult?.Type == PublisherTypes.Ipfs)
            .OrderBy(e => e.CreateTime)
            .Select(e => e.PublishedResult!.TryGetParam("CID", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
            .FirstOrDefault(value => !string.IsNullOrEmpty(value));
        if (cid is null)
        {
            return ApiErrors.Error($"job {job.ID} completed but no execution reported a CID", StatusCodes.Status500InternalServerError);
        }

        activity?.SetTag("bacalhau.result.cid", cid);
        LogCompleted(logger, job.ID, cid);
        return TypedResults.Ok(new RunJobResponse { Cid = cid });
    }

    private static ApiErrorResult Refuse(ILogger logger, Activity? activity, string message)
    {
        LogRefused(logger, message);
        activity?.SetStatus(ActivityStatusCode.Error, message);
        return ApiErrors.BadRequest(message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy run refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy run submitted job {JobId} ({Engine}); waiting for it to end")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string engine);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy run of job {JobId} completed: {Cid}")]
    private static partial void LogCompleted(ILogger logger, string jobId, string cid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy run of job {JobId} did not complete: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy run stopped waiting for job {JobId}; the job goes on")]
    private static partial void LogGaveUp(ILogger logger, string jobId);
}
