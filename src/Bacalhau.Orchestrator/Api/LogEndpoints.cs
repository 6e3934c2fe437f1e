using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Storage;
using NATS.Client.Core;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// <c>GET /api/v1/orchestrator/jobs/{id}/logs</c>: an execution's stdout and stderr streamed from its compute node as
/// server-sent events (<c>data: {"type":"stdout","line":"..."}</c>), live with <c>follow=true</c>, ending when the
/// execution does.
/// </summary>
internal static class LogEndpoints
{
    private static readonly TimeSpan SilenceTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/orchestrator/jobs/{id}/logs", StreamLogsAsync).WithTags("Jobs")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesApiErrors(StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadJob);
        return endpoints;
    }

    private static async Task StreamLogsAsync(string id, string? execution_id, bool? follow, HttpContext http, IJobStore store, INatsConnection nats, CancellationToken cancellationToken)
    {
        var job = store.GetJob(id) ?? store.FindJobByPrefix(id);
        var executions = job is null ? [] : store.GetExecutions(job.ID);
        var execution = execution_id is { Length: > 0 }
            ? executions.FirstOrDefault(e => e.ID == execution_id || e.ID.StartsWith(execution_id, StringComparison.Ordinal))
            : executions.Where(e => e.ComputeState.StateType != ExecutionStateType.BidRejected).MaxBy(e => e.CreateTime);
        if (execution is null)
        {
            await ApiErrors.NotFound(job is null ? $"job '{id}' not found" : $"job '{id}' has no execution{(execution_id is null ? "" : $" '{execution_id}'")} to show logs of", ApiErrors.JobStore, job is null ? JobEndpoints.ListJobsHint : null).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.Body.FlushAsync(cancellationToken);

        // Inside the node's own out space: the only place its credentials let it answer.
        var inbox = Subjects.ExecutionLogReplies(execution.NodeID, Guid.NewGuid().ToString("N"));
        await using var replies = await nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
        var request = JsonSerializer.SerializeToUtf8Bytes(new ExecutionLogsRequest { ExecutionID = execution.ID, Follow = follow ?? false }, BacalhauJsonContext.Default.ExecutionLogsRequest);
        await nats.PublishAsync(Subjects.ExecutionLogs(execution.NodeID), request, replyTo: inbox, cancellationToken: cancellationToken);

        while (true)
        {
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            silence.CancelAfter(follow == true ? Timeout.InfiniteTimeSpan : SilenceTimeout);
            ExecutionLogBatch batch;
            try
            {
                if (!await replies.Msgs.WaitToReadAsync(silence.Token) || !replies.Msgs.TryRead(out var message))
                {
                    return;
                }

                batch = JsonSerializer.Deserialize(message.Data ?? [], BacalhauJsonContext.Default.ExecutionLogBatch)!;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await WriteEventAsync(http, "error", $"node {execution.NodeID} did not answer within {SilenceTimeout.TotalSeconds:F0} s", cancellationToken);
                return;
            }

            foreach (var line in batch.Lines)
            {
                await http.Response.WriteAsync("data: ", cancellationToken);
                await http.Response.WriteAsync(JsonSerializer.Serialize(line, BacalhauJsonContext.Default.ExecutionLogLine), cancellationToken);
                await http.Response.WriteAsync("\n\n", cancellationToken);
            }

            if (batch.End)
            {
                if (batch.Error.Length > 0)
                {
                    await WriteEventAsync(http, "error", batch.Error, cancellationToken);
                }

                await WriteEventAsync(http, "end", "", cancellationToken);
                return;
            }

            await http.Response.Body.FlushAsync(cancellationToken);
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string name, string data, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
