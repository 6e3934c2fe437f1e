using System.Collections.Concurrent;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Client;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Protocol;
using Bacalhau.Core.Serialization;
using NATS.Client.Core;

namespace Bacalhau.Bench.Jobs;

/// <summary>
/// Tells when a job is terminal as the REST API reports it, without a polling storm that would load the orchestrator
/// it measures: a passive NATS subscriber sees each compute node's <c>RunResult</c> (or <c>ComputeError</c>) and only
/// then does the job's state get read, at a fine interval until the orchestrator has committed it. A slow
/// fallback poll covers jobs that end without such a message.
/// </summary>
internal sealed class JobCompletionWatcher : IAsyncDisposable
{
    private static readonly TimeSpan FallbackPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FirstConfirmDelay = TimeSpan.FromMilliseconds(0.5);
    private static readonly TimeSpan MaxConfirmDelay = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hints = new(StringComparer.Ordinal);
    private readonly NatsConnection _observer;
    private readonly BacalhauClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listening;

    private JobCompletionWatcher(NatsConnection observer, INatsSub<byte[]> results, BacalhauClient client)
    {
        _observer = observer;
        _client = client;
        _listening = ListenAsync(results, _stopping.Token);
    }

    public static async Task<JobCompletionWatcher> StartAsync(NatsServer nats, BacalhauClient client)
    {
        var observer = await nats.ConnectAsync("bench-job-observer");
        var results = await observer.SubscribeCoreAsync<byte[]>(Subjects.AllDataOut);
        await observer.PingAsync();
        return new JobCompletionWatcher(observer, results, client);
    }

    /// <summary>The job as the API returns it once it is terminal.</summary>
    public async Task<Job> WaitAsync(string jobId, CancellationToken cancellationToken)
    {
        var hint = _hints.GetOrAdd(jobId, _ => NewSignal());
        try
        {
            while (true)
            {
                try
                {
                    await hint.Task.WaitAsync(FallbackPoll, cancellationToken);
                    return await ConfirmAsync(jobId, cancellationToken);
                }
                catch (TimeoutException)
                {
                    if (await TerminalAsync(jobId, cancellationToken) is { } job)
                    {
                        return job;
                    }
                }
            }
        }
        finally
        {
            _hints.TryRemove(jobId, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _listening;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await _observer.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>The compute node has reported; the orchestrator commits the job's end right after it.</summary>
    private async Task<Job> ConfirmAsync(string jobId, CancellationToken cancellationToken)
    {
        var delay = FirstConfirmDelay;
        while (true)
        {
            if (await TerminalAsync(jobId, cancellationToken) is { } job)
            {
                return job;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxConfirmDelay.Ticks));
        }
    }

    private async Task<Job?> TerminalAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = (await _client.GetJobAsync(jobId, cancellationToken: cancellationToken)).Job;
        return job.State.StateType.IsTerminal() ? job : null;
    }

    private async Task ListenAsync(INatsSub<byte[]> results, CancellationToken cancellationToken)
    {
        await using (results)
        {
            await foreach (var message in results.Msgs.ReadAllAsync(cancellationToken))
            {
                if (JobIdOfResult(message.Data) is { } jobId)
                {
                    _hints.GetOrAdd(jobId, _ => NewSignal()).TrySetResult();
                }
            }
        }
    }

    private static string? JobIdOfResult(byte[]? data)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            var envelope = Envelope.Decode(data);
            return envelope.Type switch
            {
                MessageTypes.RunResult => envelope.PayloadAs(BacalhauJsonContext.Default.RunResult).JobID,
                MessageTypes.ComputeError => envelope.PayloadAs(BacalhauJsonContext.Default.ComputeError).JobID,
                _ => null,
            };
        }
        catch (EnvelopeException)
        {
            return null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
