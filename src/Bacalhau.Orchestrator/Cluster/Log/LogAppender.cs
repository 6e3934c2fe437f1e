using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// The leader's side of the log: group commit. One append is in flight at a time; operations that arrive meanwhile go
/// in the next batch. Once JetStream has a batch on a majority, its local writes are queued on the database's writer
/// in log order, with the batch's sequence as applied, so that the local outbox numbers as every replica's does.
/// </summary>
/// <remarks>
/// Every append expects the sequence this leader last appended or applied. When another orchestrator appended in
/// between, the append fails: this one has lost the lead, so the batch is applied nowhere, every pending commit fails,
/// and every later one too; <see cref="Fenced"/> tells the leadership to step down.
/// </remarks>
internal sealed class LogAppender(StateLog log, GroupCommitWriter writer, ulong lastSequence, int maxBatchBytes, Func<bool> leading, ClusterMetrics metrics) : IStateJournal
{
    private readonly Lock _lock = new();
    private readonly List<Pending> _queue = [];
    private readonly TaskCompletionSource _fenced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ulong _lastSequence = lastSequence;
    private bool _appending;
    private Exception? _stopped;

    /// <summary>Completes once, when an append finds that another orchestrator appended, or when appends are stopped.</summary>
    public Task Fenced => _fenced.Task;

    /// <summary>The sequence of the last batch this leader appended.</summary>
    public ulong LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _lastSequence;
            }
        }
    }

    public Task RecordAsync(StateOperation operation, Action<SqliteConnection, SqliteTransaction> persist)
    {
        var pending = new Pending(operation, persist, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_stopped is not null)
            {
                return Task.FromException(_stopped);
            }

            _queue.Add(pending);
            if (_appending)
            {
                return pending.Done.Task;
            }

            _appending = true;
        }

        _ = Task.Run(AppendQueuedAsync);
        return pending.Done.Task;
    }

    /// <summary>Appends nothing more: pending and later operations fail with <paramref name="reason"/>.</summary>
    public void Stop(Exception reason)
    {
        List<Pending> dropped;
        lock (_lock)
        {
            _stopped ??= reason;
            dropped = [.. _queue];
            _queue.Clear();
        }

        foreach (var pending in dropped)
        {
            pending.Done.TrySetException(reason);
        }

        _fenced.TrySetResult();
    }

    /// <summary>Stops appending, then fails <paramref name="batch"/>: whoever sees its failure finds the appender already fenced.</summary>
    private void Fail(List<Pending> batch, Exception reason)
    {
        Stop(reason);
        foreach (var pending in batch)
        {
            pending.Done.TrySetException(reason);
        }
    }

    private async Task AppendQueuedAsync()
    {
        while (true)
        {
            List<Pending> batch;
            ulong expected;
            lock (_lock)
            {
                if (_queue.Count == 0 || _stopped is not null)
                {
                    _appending = false;
                    return;
                }

                batch = [.. _queue];
                _queue.Clear();
                expected = _lastSequence;
            }

            if (!leading())
            {
                // Past the lease's safe time: another orchestrator may be taking over, so this one appends nothing.
                Fail(batch, new NotLeaderException());
                return;
            }

            var (data, taken) = Encode(batch);
            if (taken < batch.Count)
            {
                // Over the server's payload limit: the rest goes first in the next batch.
                lock (_lock)
                {
                    _queue.InsertRange(0, batch.Skip(taken));
                }

                batch.RemoveRange(taken, batch.Count - taken);
            }

            ulong sequence;
            var started = TimeProvider.System.GetTimestamp();
            using (var activity = ClusterTelemetry.Source.StartActivity("state log append"))
            {
                activity?.SetTag("bacalhau.state_log.operations", batch.Count);
                try
                {
                    sequence = await log.AppendAsync(data, expected, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    // Fenced, or an answer that never came: either way this leader cannot know the log's end any more.
                    Fail(batch, ex);
                    return;
                }
            }

            metrics.RecordAppend(batch.Count, TimeProvider.System.GetElapsedTime(started));
            lock (_lock)
            {
                _lastSequence = sequence;
            }

            _ = WriteLocallyAsync(batch, sequence);
        }
    }

    private async Task WriteLocallyAsync(List<Pending> batch, ulong sequence)
    {
        try
        {
            await writer.WriteAsync(AppliedSequence.Persisting([.. batch.Select(p => p.Persist)], sequence));
            metrics.RecordApplied(sequence);
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>As many operations as fit in one message, and their bytes; at least one.</summary>
    private (byte[] Data, int Taken) Encode(List<Pending> batch)
    {
        var taken = batch.Count;
        while (true)
        {
            var data = StateLog.Encode(new StateBatch([.. batch.Take(taken).Select(p => p.Operation)]));
            if (data.Length <= maxBatchBytes || taken == 1)
            {
                return (data, taken);
            }

            taken = Math.Max(1, taken / 2);
        }
    }

    private sealed record Pending(StateOperation Operation, Action<SqliteConnection, SqliteTransaction> Persist, TaskCompletionSource Done);
}
