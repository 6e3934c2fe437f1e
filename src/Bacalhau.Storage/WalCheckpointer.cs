using Microsoft.Data.Sqlite;

namespace Bacalhau.Storage;

/// <summary>
/// Copies a database's write-ahead log into the database file from a connection of its own, once per interval, for
/// the <see cref="GroupCommitWriter"/>.
/// </summary>
/// <remarks>
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (every 4 MB of log), so every caller
/// waiting on that commit stalls for the copy and its fsync. Here the copy runs beside the writer, which goes on
/// appending, and a page changed by many commits within an interval is copied once. Such a copy never catches up with
/// a busy writer, and the log is rewound only once one has; so when the log has grown large the writer is asked to copy,
/// between two of its commits, the little that came since the last pass.
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _catchUpDue;
    private int _disposed;

    /// <param name="path">The database file.</param>
    /// <param name="interval">Time between two background passes.</param>
    /// <param name="catchUpBytes">
    /// Log size from which the writer is asked to catch up. That costs it two fsyncs, a stall for every commit queued
    /// behind it, so not at every pass; an idle writer needs none, as the background pass then completes.
    /// </param>
    public WalCheckpointer(string path, TimeSpan interval, long catchUpBytes)
    {
        // A thread of its own: under load a pass blocks on the disk for up to a second, and on one of the two
        // thread-pool threads of a small machine that would hold back every request until the pool adds a thread.
        var thread = new Thread(() => Run(path, interval, catchUpBytes, _stop.Token)) { IsBackground = true, Name = "SQLite checkpointer" };
        thread.Start();
    }

    /// <summary>Copies what the log holds beyond the last pass, on the writer's connection between its commits.</summary>
    public void CatchUp(SqliteConnection writer)
    {
        if (Interlocked.Exchange(ref _catchUpDue, 0) == 1)
        {
            Checkpoint(writer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _stopped.Task;
        _stop.Dispose();
    }

    private void Run(string path, TimeSpan interval, long catchUpBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = SqliteDatabase.Open(path);
            var catchUpFrames = catchUpBytes / SqliteDatabase.Scalar(connection, "PRAGMA page_size");
            while (!cancellationToken.WaitHandle.WaitOne(interval))
            {
                if (Checkpoint(connection) >= catchUpFrames)
                {
                    Volatile.Write(ref _catchUpDue, 1);
                }
            }
        }
        catch (SqliteException)
        {
            // Rare, as the writer opened this file a moment ago; its log is then copied when the last connection closes.
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Copies what it can; returns the frames the log holds (0 when the attempt failed).</summary>
    private static long Checkpoint(SqliteConnection connection)
    {
        try
        {
            // PASSIVE waits for no one: frames it cannot copy now (a reader still needs them) are copied next time.
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var reader = command.ExecuteReader();
            return reader.Read() ? reader.GetInt64(1) : 0;
        }
        catch (SqliteException)
        {
            // The log only grows until the next attempt; closing the last connection checkpoints it too.
            return 0;
        }
    }
}
