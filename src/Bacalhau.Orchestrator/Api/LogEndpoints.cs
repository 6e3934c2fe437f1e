using System.Net.WebSockets;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Storage;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// <c>GET /api/v1/orchestrator/jobs/{id}/logs</c>: an execution's stdout and stderr streamed from its compute node, as
/// Bacalhau's WebSocket messages when the request asks for the upgrade, as server-sent events otherwise; from the first
/// line or <c>tail</c> lines before the end, live with <c>follow=true</c>, ending when the execution does.
/// </summary>
internal static class LogEndpoints
{
    // The node waits 60 s for a batch to be passed on before it gives up: a client that takes longer is cut off first.
    private static readonly TimeSpan BatchWriteTimeout = TimeSpan.FromSeconds(45);

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/orchestrator/jobs/{id}/logs", StreamLogsAsync).WithTags("Jobs")
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        return endpoints;
    }

    private static async Task StreamLogsAsync(string id, string? execution_id, string? follow, string? tail, HttpContext http, IJobStore store, INatsConnection nats, CancellationToken cancellationToken)
    {
        if (!LogQuery.TryRead(execution_id, follow, tail, out var query, out var error))
        {
            await ApiErrors.BadRequest(error).ExecuteAsync(http);
            return;
        }

        var (execution, missing, jobKnown) = FindExecution(store, id, query.ExecutionId);
        if (http.WebSockets.IsWebSocketRequest)
        {
            if (!IsSameOrigin(http.Request))
            {
                // A page of another site must not read logs with the credentials a browser lends it (loopback's, say).
                await ApiErrors.Error($"a page from {http.Request.Headers.Origin} may not open this WebSocket", StatusCodes.Status403Forbidden).ExecuteAsync(http);
                return;
            }

            await using var writer = new WebSocketLogWriter(await http.WebSockets.AcceptWebSocketAsync());
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, writer.ClientGone);
            // As Bacalhau does, what is missing is said over the upgraded socket, where its clients look for it.
            await CopyAsync(execution is null ? Missing(missing!) : NodeLogStream.ReadAsync(nats, execution, query, stop.Token), writer, stop.Token);
            return;
        }

        if (execution is null)
        {
            await ApiErrors.NotFound(missing!, ApiErrors.JobStore, jobKnown ? null : JobEndpoints.ListJobsHint).ExecuteAsync(http);
            return;
        }

        var events = new SseLogWriter(http.Response);
        await events.StartAsync(cancellationToken);
        await CopyAsync(NodeLogStream.ReadAsync(nats, execution, query, cancellationToken), events, cancellationToken);
    }

    private static (Execution? Execution, string? Missing, bool JobKnown) FindExecution(IJobStore store, string id, string? executionId)
    {
        var job = JobEndpoints.Find(store, id);
        var executions = job is null ? [] : store.GetExecutions(job.ID);
        var execution = executionId is not null
            ? executions.FirstOrDefault(e => e.ID == executionId || e.ID.StartsWith(executionId, StringComparison.Ordinal))
            : executions.Where(e => e.ComputeState.StateType != ExecutionStateType.BidRejected).MaxBy(e => e.CreateTime);
        return execution is not null ? (execution, null, true)
            : (null, job is null ? $"job '{id}' not found" : $"job '{id}' has no execution{(executionId is null ? "" : $" '{executionId}'")} to show logs of", job is not null);
    }

    private static IAsyncEnumerable<ExecutionLogBatch> Missing(string message) =>
        new[] { new ExecutionLogBatch { End = true, Error = message } }.ToAsyncEnumerable();

    /// <summary>Passes the batches on, a batch at a time within <see cref="BatchWriteTimeout"/>; a client that left or stalls is dropped.</summary>
    private static async Task CopyAsync(IAsyncEnumerable<ExecutionLogBatch> batches, ILogWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in batches.WithCancellation(cancellationToken))
            {
                using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stalled.CancelAfter(BatchWriteTimeout);
                foreach (var line in batch.Lines)
                {
                    await writer.WriteLineAsync(line, stalled.Token);
                }

                await writer.FlushAsync(stalled.Token);
                if (batch.Error.Length > 0)
                {
                    await writer.WriteErrorAsync(batch.Error, stalled.Token);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            writer.Abort();
        }
    }

    /// <summary>No Origin (a program, not a browser) or the API's own: browsers send the page's, which no header of ours can vouch for.</summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var page)
            && string.Equals(page.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && page.Port == (request.Host.Port ?? (request.IsHttps ? 443 : 80));
    }
}
