using System.Text;
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
/// when the execution ended before the request), and with Follow keeps tailing until the execution ends.
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
    private const int BatchSize = 512;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan UnknownExecutionWait = TimeSpan.FromSeconds(30);

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
            using var stdout = new LogTail(stdoutPath, ExecutionLogType.Stdout);
            using var stderr = new LogTail(stderrPath, ExecutionLogType.Stderr);
            var batch = new List<ExecutionLogLine>(BatchSize);
            while (true)
            {
                // Read what is there now; the execution's state is checked first, so a line written just before it ended is not missed.
                var ended = store.Get(request.ExecutionID)?.ComputeState.StateType.IsTerminal() ?? true;
                var read = stdout.ReadLines(batch, BatchSize) | stderr.ReadLines(batch, BatchSize);
                if (batch.Count >= BatchSize || (batch.Count > 0 && !read))
                {
                    await SendAsync(replyTo, new ExecutionLogBatch { Lines = [.. batch] }, cancellationToken);
                    batch.Clear();
                }

                if (!read && (ended || !request.Follow))
                {
                    stdout.Flush(batch);
                    stderr.Flush(batch);
                    await SendAsync(replyTo, new ExecutionLogBatch { Lines = [.. batch], End = true }, cancellationToken);
                    return;
                }

                if (!read)
                {
                    await Task.Delay(PollInterval, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or NatsException)
        {
            LogStreamFailed(logger, ex.Message);
            await SendAsync(replyTo, new ExecutionLogBatch { End = true, Error = ex.Message }, CancellationToken.None);
        }
    }

    private async Task SendAsync(string replyTo, ExecutionLogBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(batch, BacalhauJsonContext.Default.ExecutionLogBatch);
            await nats.PublishAsync(replyTo, data, cancellationToken: cancellationToken);
            metrics.LogsStreamed(data.Length);
        }
        catch (NatsException ex)
        {
            LogStreamFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log stream failed: {Error}")]
    private static partial void LogStreamFailed(ILogger logger, string error);

    /// <summary>Reads complete lines from a growing file; a trailing partial line waits for its newline (or the end).</summary>
    private sealed class LogTail(string path, ExecutionLogType type) : IDisposable
    {
        private readonly StringBuilder _partial = new();
        private FileStream? _stream;
        private StreamReader? _reader;

        public bool ReadLines(List<ExecutionLogLine> into, int limit)
        {
            if (_reader is null)
            {
                if (!File.Exists(path))
                {
                    return false;
                }

                _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                _reader = new StreamReader(_stream, Encoding.UTF8);
            }

            var any = false;
            var buffer = new char[4096];
            while (into.Count < limit)
            {
                var count = _reader.Read(buffer, 0, buffer.Length);
                if (count == 0)
                {
                    break;
                }

                any = true;
                var start = 0;
                for (var i = 0; i < count; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        _partial.Append(buffer, start, i - start);
                        into.Add(new ExecutionLogLine { Type = type, Line = _partial.ToString().TrimEnd('\r') });
                        _partial.Clear();
                        start = i + 1;
                    }
                }

                _partial.Append(buffer, start, count - start);
            }

            return any;
        }

        /// <summary>At the end, a last line without a newline is still a line.</summary>
        public void Flush(List<ExecutionLogLine> into)
        {
            if (_partial.Length > 0)
            {
                into.Add(new ExecutionLogLine { Type = type, Line = _partial.ToString() });
                _partial.Clear();
            }
        }

        public void Dispose()
        {
            _reader?.Dispose();
            _stream?.Dispose();
        }
    }
}
