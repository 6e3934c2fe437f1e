using Bacalhau.Orchestrator.Storage;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// A follower's side of the log: reads it from the sequence after the one its database last applied and applies every
/// message through the store, so that its reads are current. A new data directory replays from sequence 1.
/// </summary>
internal sealed partial class LogFollower(StateLog log, SqliteJobStore store, ulong applied, ClusterMetrics metrics, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private readonly List<(ulong Sequence, TaskCompletionSource Reached)> _waiters = [];
    private ulong _applied = applied;

    /// <summary>The last sequence applied.</summary>
    public ulong Applied
    {
        get
        {
            lock (_lock)
            {
                return _applied;
            }
        }
    }

    /// <summary>The highest term the log has started, as applied so far.</summary>
    public long LastTerm { get; private set; }

    /// <summary>Applies the log as it grows until cancelled; reads it again from where it stopped when the stream fails it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await ApplyAsync(cancellationToken);
            }
            catch (NatsException ex)
            {
                // A stream that has no leader yet (a cluster starting, a server lost): read on once it has.
                LogReadFailed(logger, Applied, ex);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await foreach (var (sequence, batch) in log.ReadAsync(Applied + 1, cancellationToken))
        {
            if (sequence <= Applied)
            {
                continue;
            }

            using (var activity = ClusterTelemetry.Source.StartActivity("state log apply"))
            {
                activity?.SetTag("bacalhau.state_log.sequence", sequence);
                await store.ApplyLoggedAsync(sequence, batch.Operations);
            }

            foreach (var term in batch.Operations.OfType<TermStartedOperation>())
            {
                LastTerm = Math.Max(LastTerm, term.Term);
                LogTermStarted(logger, term.Term, term.NodeId, sequence);
            }

            metrics.RecordApplied(sequence);
            Reached(sequence);
        }
    }

    /// <summary>Completes once the log is applied up to <paramref name="sequence"/>.</summary>
    public Task WaitForAsync(ulong sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_applied >= sequence)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    private void Reached(ulong sequence)
    {
        List<TaskCompletionSource> done;
        lock (_lock)
        {
            _applied = sequence;
            done = [.. _waiters.Where(w => w.Sequence <= sequence).Select(w => w.Reached)];
            _waiters.RemoveAll(w => w.Sequence <= sequence);
        }

        foreach (var reached in done)
        {
            reached.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the state log after sequence {Applied} failed; reading it again")]
    private static partial void LogReadFailed(ILogger logger, ulong applied, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Term {Term} started with leader {LeaderId} at log sequence {Sequence}")]
    private static partial void LogTermStarted(ILogger logger, long term, string leaderId, ulong sequence);
}
