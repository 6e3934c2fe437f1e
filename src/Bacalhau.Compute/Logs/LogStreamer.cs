using System.Text.Json;
using Bacalhau.Compute.Metrics;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Storage;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using NATS.Client.Core;

namespace Bacalhau.Compute.Logs;

/// <summary>
/// Answers log requests: sends an execution's output lines, in order and none lost, from its first line (also
/// when the execution ended before the request) or from <see cref="ExecutionLogsRequest.Tail"/> lines before the end,
/// and with Follow keeps tailing until the execution ends. Each batch waits for the asker's answer before the next is
/// read, so a slow reader holds no more than a batch here, and a gone one (no answer, no responders) ends the stream.
/// </summary>
public sealed partial class LogStreamer(
    INatsConnection nats,
    ComputeIdentity identity,
    ExecutionStore store,
    ExecutionLogFiles files,
    ComputeMetrics metrics,
    TimeProvider time,
    ILogger<LogStreamer> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan UnknownExecutionWait = TimeSpan.FromSeconds(30);

    // How long the asker may take to pass a batch on before the stream is given up.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    // A followed execution that prints nothing still sends an empty batch this often: the asker learns the node is
    // there, and the node learns whether the asker still is.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        nats.SubscribeUntilStoppedAsync(Subjects.ExecutionLogs(identity.NodeId), Answer, logger, time, stoppingToken);

    /// <summary>Streams on its own, so that one slow reader does not hold up the next request.</summary>
    private ValueTask Answer(NatsMsg<byte[]> request, CancellationToken cancellationToken)
    {
        if (request.ReplyTo is { } replyTo)
        {
            _ = StreamAsync(request.Data, replyTo, cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    private async Task StreamAsync(byte[]? data, string replyTo, CancellationToken cancellationToken)
    {
        try
        {
            var request = JsonSerializer.Deserialize(data ?? [], BacalhauJsonContext.Default.ExecutionLogsRequest)!;
            // A client following a job it just submitted may ask before this node has taken the execution.
            var waitUntil = DateTime.UtcNow + (request.Follow ? UnknownExecutionWait : TimeSpan.Zero);
            while (store.Get(request.ExecutionID) is null && DateTime.UtcNow < waitUntil)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }

            if (store.Get(request.ExecutionID) is null)
            {
                await SendAsync(replyTo, new ExecutionLogBatch { End = true, Error = $"execution '{request.ExecutionID}' is not known on node {identity.NodeId}" }, cancellationToken);
                return;
            }

            var (stdoutPath, stderrPath) = files.For(request.ExecutionID);
            using var stdout = new LogTail(stdoutPath, ExecutionLogType.Stdout, request.Tail);
            using var stderr = new LogTail(stderrPath, ExecutionLogType.Stderr, request.Tail);
            var batch = new LogBatch();
            var lastSent = time.GetTimestamp();
            while (true)
            {
                // Read what is there now; the execution's state is checked first, so a line written just before it ended is not missed.
                var ended = store.Get(request.ExecutionID)?.ComputeState.StateType.IsTerminal() ?? true;
                var read = stdout.ReadLines(batch) | stderr.ReadLines(batch);
                if (batch.Full || (batch.Lines.Count > 0 && !read) || time.GetElapsedTime(lastSent) >= KeepAlive)
                {
                    if (!await SendAsync(replyTo, batch.Take(), cancellationToken))
                    {
                        return;
                    }

                    lastSent = time.GetTimestamp();
                }

                if (!read && (ended || !request.Follow))
                {
                    stdout.Flush(batch);
                    stderr.Flush(batch);
                    await SendAsync(replyTo, batch.Take() with { End = true }, cancellationToken);
                    return;
                }

                if (!read)
                {
                    await Task.Delay(PollInterval, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            LogStreamFailed(logger, ex.Message);
            await SendAsync(replyTo, new ExecutionLogBatch { End = true, Error = ex.Message }, CancellationToken.None);
        }
    }

    /// <summary>False when the asker is gone or did not answer in time: the stream ends there.</summary>
    private async Task<bool> SendAsync(string replyTo, ExecutionLogBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(batch, BacalhauJsonContext.Default.ExecutionLogBatch);
            await nats.RequestAsync<byte[], byte[]>(replyTo, data, replyOpts: new NatsSubOpts { Timeout = AnswerTimeout }, cancellationToken: cancellationToken);
            if (batch.Lines.Count > 0 || batch.End)
            {
                // Keep-alives are not output: they would swell the count of batches read.
                metrics.LogsStreamed(data.Length);
            }

            return true;
        }
        catch (NatsException ex)
        {
            LogStreamStopped(logger, replyTo, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log stream failed: {Error}")]
    private static partial void LogStreamFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Log stream to {Subject} stopped: {Reason}")]
    private static partial void LogStreamStopped(ILogger logger, string subject, string reason);
}
