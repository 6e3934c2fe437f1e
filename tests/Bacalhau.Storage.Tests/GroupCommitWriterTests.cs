using Microsoft.Data.Sqlite;

namespace Bacalhau.Storage.Tests;

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
    public async Task A_caller_goes_on_while_its_write_commits_and_what_it_queues_meanwhile_shares_one_commit()
    {
        await using var database = new TestDatabase();
        var batches = new List<int>();
        database.Writer.ObserveCommits((size, _) => batches.Add(size));
        using var committing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // The first write holds its commit open; a writer committing on the caller's thread would block the caller
        // here (and the test would time out below instead of queueing the rest).
        var first = database.Writer.WriteAsync((connection, transaction) =>
        {
            committing.Set();
            release.Wait(Timeout);
            Put("first", 1)(connection, transaction);
        });
        Assert.True(committing.Wait(Timeout), "the first write did not start committing");
        var rest = Enumerable.Range(1, 99).Select(i => database.Writer.WriteAsync(Put("k", i))).ToList();
        release.Set();

        await Task.WhenAll(rest.Append(first)).WaitAsync(Timeout);
        Assert.Equal([1, 99], batches);
        Assert.Equal(99, database.ReadFromAnotherConnection("k"));
        Assert.Equal(1, database.ReadFromAnotherConnection("first"));
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

    [Fact]
    public async Task Commits_reach_the_database_file_in_the_background_without_waiting_for_a_later_commit()
    {
        await using var database = new TestDatabase();
        var before = database.FileLength("state.db");

        // About 2 MB: below the 4 MB at which SQLite's own checkpoint would run.
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => database.Writer.WriteAsync(Put($"k{i}", i, new string('x', 1000))))).WaitAsync(Timeout);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (database.FileLength("state.db") < before + 2_000_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(database.FileLength("state.db") >= before + 2_000_000, $"database file is {database.FileLength("state.db")} bytes");
    }

    [Fact]
    public async Task The_log_is_rewound_while_writes_go_on_so_it_does_not_grow_with_them()
    {
        await using var database = new TestDatabase(logLimitBytes: 1024 * 1024);
        var payload = new string('x', 4000);
        long written = 0;
        long logged = 0;

        // Writes go on until the log holds less than half of what was written, which it never does unless it is
        // rewound meanwhile; on a loaded machine the rewinding thread may take longer to get its turn, so the bound is
        // in bytes written (a hundred times the log's limit), not in time.
        for (var round = 0; written < 100L * 1024 * 1024 && (written < 8L * 1024 * 1024 || logged >= written / 2); round++)
        {
            // Each row a fresh key, so the log holds every byte written since its last rewind.
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => database.Writer.WriteAsync(Put($"r{round}-{i}", i, payload)))).WaitAsync(Timeout);
            written += 50 * payload.Length;
            logged = database.FramesInLog() * 4096L;
        }

        Assert.True(logged < written / 2, $"log holds {logged} bytes after {written} bytes written");
    }

    private static Action<SqliteConnection, SqliteTransaction> Put(string key, int value, string? note = null) => (connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO items(key, value, note) VALUES ($key, $value, $note) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        command.ExecuteNonQuery();
    };

    /// <summary>A database of one table in a temporary directory, its writer, and a way to read it as another connection would.</summary>
    private sealed class TestDatabase : IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-writer-").FullName;
        private readonly SqliteConnection _connection;

        public TestDatabase(long logLimitBytes = GroupCommitWriter.DefaultLogLimitBytes)
        {
            _connection = SqliteDatabase.Open(DatabasePath);
            SqliteDatabase.Execute(_connection, "CREATE TABLE items(key TEXT PRIMARY KEY, value INTEGER NOT NULL, note TEXT)");
            Writer = new GroupCommitWriter(_connection, logLimitBytes);
        }

        public GroupCommitWriter Writer { get; }

        private string DatabasePath => Path.Combine(_directory, "state.db");

        /// <summary>Frames the log holds now (those since its last rewind); the file itself keeps its size for reuse.</summary>
        public long FramesInLog()
        {
            using var connection = SqliteDatabase.Open(DatabasePath);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var reader = command.ExecuteReader();
            reader.Read();
            return reader.GetInt64(1);
        }

        public long FileLength(string name) => new FileInfo(Path.Combine(_directory, name)) is { Exists: true } file ? file.Length : 0;

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
