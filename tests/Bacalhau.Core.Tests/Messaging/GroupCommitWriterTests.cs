using Bacalhau.Core.Messaging;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Core.Tests.Messaging;

public sealed class GroupCommitWriterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_lone_write_is_visible_to_another_connection_once_its_task_completes()
    {
        await using var database = new TestDatabase();
        await database.Writer.WriteAsync(Put("a", 1)).WaitAsync(Timeout);

        Assert.Equal(1, database.ReadFromAnotherConnection("a"));
    }

    [Fact]
    public async Task Writes_from_many_threads_all_land_and_each_key_keeps_its_last_value()
    {
        await using var database = new TestDatabase();
        const int Threads = 16;
        const int PerThread = 200;

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            for (var i = 1; i <= PerThread; i++)
            {
                // Not awaited one by one: the writer must keep each caller's order by itself.
                _ = database.Writer.WriteAsync(Put($"k{t}", i));
            }

            await database.Writer.WriteAsync(Put($"done{t}", 1));
        }))).WaitAsync(Timeout);

        for (var t = 0; t < Threads; t++)
        {
            Assert.Equal(PerThread, database.ReadFromAnotherConnection($"k{t}"));
            Assert.Equal(1, database.ReadFromAnotherConnection($"done{t}"));
        }
    }

    [Fact]
    public async Task A_failing_item_fails_alone()
    {
        await using var database = new TestDatabase();
        var writes = new[]
        {
            database.Writer.WriteAsync(Put("before", 1)),
            database.Writer.WriteAsync((connection, transaction) => SqliteDatabase.Execute(connection, "INSERT INTO missing_table VALUES (1)", transaction)),
            database.Writer.WriteAsync(Put("after", 2)),
        };

        await Assert.ThrowsAsync<SqliteException>(() => writes[1].WaitAsync(Timeout));
        await Task.WhenAll(writes[0], writes[2]).WaitAsync(Timeout);
        Assert.Equal(1, database.ReadFromAnotherConnection("before"));
        Assert.Equal(2, database.ReadFromAnotherConnection("after"));
    }

    [Fact]
    public async Task Disposing_writes_what_was_queued_and_refuses_more()
    {
        await using var database = new TestDatabase();
        var queued = Enumerable.Range(1, 100).Select(i => database.Writer.WriteAsync(Put("k", i))).ToList();

        await database.Writer.DisposeAsync().AsTask().WaitAsync(Timeout);

        await Task.WhenAll(queued).WaitAsync(Timeout);
        Assert.Equal(100, database.ReadFromAnotherConnection("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.Writer.WriteAsync(Put("late", 1)));
    }

    private static Action<SqliteConnection, SqliteTransaction> Put(string key, int value) => (connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO items(key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    };

    /// <summary>A database of one table in a temporary directory, its writer, and a way to read it as another connection would.</summary>
    private sealed class TestDatabase : IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-writer-").FullName;
        private readonly SqliteConnection _connection;

        public TestDatabase()
        {
            _connection = SqliteDatabase.Open(DatabasePath);
            SqliteDatabase.Execute(_connection, "CREATE TABLE items(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            Writer = new GroupCommitWriter(_connection);
        }

        public GroupCommitWriter Writer { get; }

        private string DatabasePath => Path.Combine(_directory, "state.db");

        public long? ReadFromAnotherConnection(string key)
        {
            using var reader = SqliteDatabase.OpenReader(DatabasePath);
            using var command = reader.CreateCommand();
            command.CommandText = "SELECT value FROM items WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as long?;
        }

        public async ValueTask DisposeAsync()
        {
            await Writer.DisposeAsync();
            await _connection.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
