using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Storage;

/// <summary>
/// The single writer of a database. Work items queued while a transaction commits are written together in the
/// next one, so the cost of a commit is shared by everything that arrived meanwhile (group commit).
/// </summary>
/// <remarks>
/// A caller only queues; the writing runs on the thread pool. A caller committing on its own thread would keep what it
/// holds meanwhile (a decision gate, the loop taking a peer's messages): nothing else could queue, every batch would
/// be one item, and its next piece of work would wait for the commit. A lone item's caller resumes on the writing
/// thread (no further hand-off when idle); a batch's callers resume on the thread pool, so that their work does not
/// hold up the next commit.
/// </remarks>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    public const long DefaultLogLimitBytes = 64 * 1024 * 1024;
    private const int MaxBatch = 1024;
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);
    private readonly SqliteConnection _connection;
    private readonly WalCheckpointer? _checkpointer;
    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _writing;
    private bool _disposed;
    private Action<int, TimeSpan>? _committed;

    /// <param name="connection">The database's one writing connection.</param>
    /// <param name="logLimitBytes">
    /// The size the write-ahead log is kept near under steady load, and trimmed back to after a burst.
    /// </param>
    public GroupCommitWriter(SqliteConnection connection, long logLimitBytes = DefaultLogLimitBytes)
    {
        _connection = connection;
        if (!string.IsNullOrEmpty(connection.DataSource) && connection.DataSource != ":memory:")
        {
            // Checkpoints leave the commit path: see WalCheckpointer.
            SqliteDatabase.Execute(connection, $"PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit={logLimitBytes};");
            _checkpointer = new WalCheckpointer(connection.DataSource, CheckpointInterval, logLimitBytes);
        }
    }

    /// <summary>
    /// Tells <paramref name="observer"/> the size of each committed batch and how long its transaction took, for the
    /// owner's meter. It runs on the writing thread, so it must be cheap.
    /// </summary>
    public void ObserveCommits(Action<int, TimeSpan> observer) => _committed = observer;

    /// <summary>Queues <paramref name="work"/>; the task completes once it is durable.</summary>
    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work)
    {
        var item = new WorkItem(work, new TaskCompletionSource());
        lock (_lock)
        {
            if (_disposed)
            {
                return Task.FromException(new ObjectDisposedException(nameof(GroupCommitWriter)));
            }

            _queue.Enqueue(item);
            if (_writing)
            {
                return item.Done.Task;
            }

            _writing = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.Drain(), this, preferLocal: false);
        return item.Done.Task;
    }

    /// <summary>Stops taking work and waits until what was queued is written.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
            if (!_writing)
            {
                _stopped.TrySetResult();
            }
        }

        await _stopped.Task;
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }
    }

    /// <summary>Commits batches until the queue is empty.</summary>
    private void Drain()
    {
        var batch = new List<WorkItem>();
        while (true)
        {
            lock (_lock)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _writing = false;
                    if (_disposed)
                    {
                        _stopped.TrySetResult();
                    }

                    return;
                }
            }

            Write(batch);
            if (batch.Count == 1)
            {
                batch[0].Settle();
            }
            else
            {
                foreach (var item in batch)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static i => i.Settle(), item, preferLocal: false);
                }
            }

            batch.Clear();
            _checkpointer?.CatchUp(_connection);
        }
    }

    private void Write(List<WorkItem> batch)
    {
        try
        {
            Commit(batch);
        }
        catch (Exception)
        {
            // One bad item must not sink the others: retry them one transaction each.
            foreach (var item in batch)
            {
                try
                {
                    Commit([item]);
                }
                catch (Exception ex)
                {
                    item.Error = ex;
                }
            }
        }
    }

    private void Commit(List<WorkItem> items)
    {
        var started = Stopwatch.GetTimestamp();
        using var transaction = _connection.BeginTransaction();
        foreach (var item in items)
        {
            item.Work(_connection, transaction);
        }

        transaction.Commit();
        _committed?.Invoke(items.Count, Stopwatch.GetElapsedTime(started));
    }

    private sealed record WorkItem(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done)
    {
        public Exception? Error { get; set; }

        public void Settle()
        {
            if (Error is null)
            {
                Done.SetResult();
            }
            else
            {
                Done.SetException(Error);
            }
        }
    }
}
