using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Messaging.Tests;

/// <summary>A node's database as the services open it: its outbox and its one writer.</summary>
internal sealed class OutboxDatabase : IOutboxStore, IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    public OutboxDatabase(string path, string? schema = null)
    {
        Path = path;
        _connection = SqliteDatabase.Open(path);
        if (schema is not null)
        {
            SqliteDatabase.Execute(_connection, schema);
        }

        Outbox = new MessageOutbox(_connection, "test-node");
        Writer = new GroupCommitWriter(_connection);
    }

    public string Path { get; }

    public MessageOutbox Outbox { get; }

    public GroupCommitWriter Writer { get; }

    public long PendingCount()
    {
        using var reader = SqliteDatabase.OpenReader(Path);
        return SqliteDatabase.Scalar(reader, "SELECT COUNT(*) FROM outbox");
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
