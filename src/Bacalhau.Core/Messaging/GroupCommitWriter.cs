using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Core.Messaging;

/// <summary>
/// The single writer of a database. Work items queued while a transaction commits are written together in the
/// next one, so the cost of a commit is shared by everything that arrived meanwhile (group commit).
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private readonly SqliteConnection _connection;
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="work"/>; the task completes once it is durable.</summary>
    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work)
    {
        var item = new WorkItem(work, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(item))
        {
            item.Done.SetException(new ObjectDisposedException(nameof(GroupCommitWriter)));
        }

        return item.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<WorkItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                Commit(batch);
                batch.ForEach(item => item.Done.SetResult());
            }
            catch (Exception)
            {
                // One bad item must not sink the others: retry them one transaction each.
                foreach (var item in batch)
                {
                    try
                    {
                        Commit([item]);
                        item.Done.SetResult();
                    }
                    catch (Exception ex)
                    {
                        item.Done.SetException(ex);
                    }
                }
            }

            batch.Clear();
        }
    }

    private void Commit(List<WorkItem> items)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var item in items)
        {
            item.Work(_connection, transaction);
        }

        transaction.Commit();
    }

    private sealed record WorkItem(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done);
}
