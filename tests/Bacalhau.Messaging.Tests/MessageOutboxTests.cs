using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Messaging.Tests;

public sealed class MessageOutboxTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // A deferred foreign key is checked at COMMIT: a transaction holding an orphan fails in its commit, as one does
    // on a full disk.
    private const string Schema = """
        PRAGMA foreign_keys = ON;
        CREATE TABLE parents(id INTEGER PRIMARY KEY);
        CREATE TABLE children(parent INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-outbox-").FullName;

    private string DatabasePath => Path.Combine(_directory, "state.db");

    [Fact]
    public async Task A_commit_that_fails_gives_its_sequence_numbers_back()
    {
        await using (var database = new OutboxDatabase(DatabasePath, Schema))
        {
            var failed = database.Writer.WriteAsync((connection, transaction) =>
            {
                database.Outbox.Insert(connection, transaction, Message("lost"));
                SqliteDatabase.Execute(connection, "INSERT INTO children(parent) VALUES (42)", transaction);
            });
            await Assert.ThrowsAsync<SqliteException>(() => failed.WaitAsync(Timeout));

            OutboxEntry? written = null;
            await database.Writer.WriteAsync((connection, transaction) => written = database.Outbox.Insert(connection, transaction, Message("kept"))).WaitAsync(Timeout);

            Assert.Equal(1UL, written!.Seq);
        }

        await using var reopened = new OutboxDatabase(DatabasePath);
        var pending = Assert.Single(reopened.Outbox.Pending);
        Assert.Equal((1UL, "kept"), (pending.Seq, ExecutionOf(pending)));
    }

    [Fact]
    public async Task In_a_batch_the_failing_change_gives_its_number_to_the_next_one()
    {
        await using (var database = new OutboxDatabase(DatabasePath, Schema))
        {
            // Queued together, so that they can share a transaction before the failing one is written alone.
            var results = new OutboxEntry?[3];
            var writes = new[]
            {
                database.Writer.WriteAsync((connection, transaction) => results[0] = database.Outbox.Insert(connection, transaction, Message("first"))),
                database.Writer.WriteAsync((connection, transaction) =>
                {
                    results[1] = database.Outbox.Insert(connection, transaction, Message("lost"));
                    SqliteDatabase.Execute(connection, "INSERT INTO children(parent) VALUES (42)", transaction);
                }),
                database.Writer.WriteAsync((connection, transaction) => results[2] = database.Outbox.Insert(connection, transaction, Message("third"))),
            };

            await Assert.ThrowsAsync<SqliteException>(() => writes[1].WaitAsync(Timeout));
            await Task.WhenAll(writes[0], writes[2]).WaitAsync(Timeout);
            Assert.Equal([1UL, 2UL], new[] { results[0]!.Seq, results[2]!.Seq });
        }

        await using var reopened = new OutboxDatabase(DatabasePath);
        Assert.Equal([(1UL, "first"), (2UL, "third")], reopened.Outbox.Pending.Select(e => (e.Seq, ExecutionOf(e))));
    }

    [Fact]
    public async Task The_last_assigned_number_counts_every_write_queued_before_the_read_and_no_failed_one()
    {
        await using var database = new OutboxDatabase(DatabasePath, Schema);
        var writes = new[]
        {
            database.Writer.WriteAsync((connection, transaction) => database.Outbox.Insert(connection, transaction, Message("first"))),
            database.Writer.WriteAsync((connection, transaction) =>
            {
                database.Outbox.Insert(connection, transaction, Message("lost"));
                SqliteDatabase.Execute(connection, "INSERT INTO children(parent) VALUES (42)", transaction);
            }),
            database.Writer.WriteAsync((connection, transaction) => database.Outbox.Insert(connection, transaction, Message("third"))),
        };
        ulong lastAssigned = 0, unknownPeer = 1;
        var read = database.Writer.WriteAsync((connection, transaction) =>
        {
            lastAssigned = MessageOutbox.LastAssigned(connection, transaction, "n-1");
            unknownPeer = MessageOutbox.LastAssigned(connection, transaction, "n-2");
        });

        await Assert.ThrowsAsync<SqliteException>(() => writes[1].WaitAsync(Timeout));
        await Task.WhenAll(writes[0], writes[2], read).WaitAsync(Timeout);
        Assert.Equal((2UL, 0UL), (lastAssigned, unknownPeer));
    }

    [Fact]
    public async Task The_received_mark_does_not_jump_over_a_message_whose_change_was_not_written()
    {
        await using (var database = new OutboxDatabase(DatabasePath))
        {
            await database.Writer.WriteAsync((connection, transaction) => MessageOutbox.MarkReceived(connection, transaction, "n-1", 1)).WaitAsync(Timeout);
            // Message 2's change failed; message 3's landed. After a restart, 2 must come again.
            await database.Writer.WriteAsync((connection, transaction) => MessageOutbox.MarkReceived(connection, transaction, "n-1", 3)).WaitAsync(Timeout);
        }

        await using var reopened = new OutboxDatabase(DatabasePath);
        Assert.Equal(1UL, reopened.Outbox.LastReceived["n-1"]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static OutboundMessage Message(string executionId) => TestMessages.AskForBid("n-1", executionId);

    private static string ExecutionOf(OutboxEntry entry) => TestMessages.ExecutionOf(entry.Envelope);
}
