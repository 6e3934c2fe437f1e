using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Messaging;

/// <summary>
/// Sequence numbers and the durable outbox of one node's database. Messages are created in memory, numbered and
/// written in the same transaction as the state change that caused them, and handed to the
/// <see cref="OrderedSender"/> only after that commit, so a crash can lose neither the change nor its message.
/// </summary>
/// <remarks>
/// The counters live only in the database and move inside the writing transaction: a transaction that fails (a full
/// disk, an I/O error) gives its numbers back, and the next message takes the number the lost one had, so the
/// receiver never waits for a message that will not come. The last number received from a peer only moves one at a
/// time, so a message whose handling failed is handled again after a restart even if later ones were written.
/// </remarks>
public sealed class MessageOutbox
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox(
            peer TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, envelope BLOB NOT NULL, traceparent TEXT,
            PRIMARY KEY(peer, seq));
        CREATE TABLE IF NOT EXISTS peer_sequences(
            peer TEXT PRIMARY KEY, last_assigned INTEGER NOT NULL DEFAULT 0, last_received INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS dead_letters(
            peer TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, reason TEXT NOT NULL, time TEXT NOT NULL,
            PRIMARY KEY(peer, seq));
        """;

    public MessageOutbox(SqliteConnection connection, string source)
    {
        Source = source;
        SqliteDatabase.Execute(connection, Schema);
        Reload(connection, null);
    }

    /// <summary>The node whose messages these are, named as their source.</summary>
    public string Source { get; }

    /// <summary>Last sequence number processed from each peer, as persisted.</summary>
    public Dictionary<string, ulong> LastReceived { get; } = new(StringComparer.Ordinal);

    /// <summary>Entries not yet acknowledged when the outbox was last read.</summary>
    public List<OutboxEntry> Pending { get; } = [];

    /// <summary>
    /// Reads what was received and what waits unacknowledged from the database: at start, and again when a replicated
    /// orchestrator takes the lead, as its log has changed both since.
    /// </summary>
    public void Reload(SqliteConnection connection, SqliteTransaction? transaction)
    {
        LastReceived.Clear();
        Pending.Clear();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT peer, last_received FROM peer_sequences";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                LastReceived[reader.GetString(0)] = (ulong)reader.GetInt64(1);
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT peer, seq, type, envelope, traceparent FROM outbox ORDER BY peer, seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Pending.Add(new OutboxEntry(reader.GetString(0), (ulong)reader.GetInt64(1), reader.GetString(2), (byte[])reader[3], reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
    }

    /// <summary>A message to <paramref name="peer"/>; numbered when <see cref="Insert"/> writes it.</summary>
    public static OutboundMessage Create<T>(string peer, string type, T payload, JsonTypeInfo<T> typeInfo) =>
        new OutboundMessage<T>(peer, type, payload, typeInfo, Activity.Current?.Id) { About = payload as Contracts.Protocol.IExecutionMessage };

    /// <summary>Numbers <paramref name="message"/> and writes it in <paramref name="transaction"/>; hand the entry to the sender once that commits.</summary>
    public OutboxEntry Insert(SqliteConnection connection, SqliteTransaction transaction, OutboundMessage message)
    {
        var next = SqliteDatabase.Prepared(connection, transaction, """
            INSERT INTO peer_sequences(peer, last_assigned) VALUES ($peer, 1)
                ON CONFLICT(peer) DO UPDATE SET last_assigned = last_assigned + 1
                RETURNING last_assigned
            """);
        next.Parameters.AddWithValue("$peer", message.Peer);
        var seq = (ulong)(long)next.ExecuteScalar()!;

        var entry = new OutboxEntry(message.Peer, seq, message.Type, message.Encode(Source, seq), message.TraceParent) { About = message.About };
        var insert = SqliteDatabase.Prepared(connection, transaction,
            "INSERT INTO outbox(peer, seq, type, envelope, traceparent) VALUES ($peer, $seq, $type, $envelope, $traceparent)");
        insert.Parameters.AddWithValue("$peer", entry.Peer);
        insert.Parameters.AddWithValue("$seq", (long)entry.Seq);
        insert.Parameters.AddWithValue("$type", entry.Type);
        insert.Parameters.AddWithValue("$envelope", entry.Envelope);
        insert.Parameters.AddWithValue("$traceparent", (object?)entry.TraceParent ?? DBNull.Value);
        insert.ExecuteNonQuery();
        return entry;
    }

    /// <summary>A receiver that has seen more than we remember (our database was reset) must not drop our messages as duplicates.</summary>
    public static void EnsureAssignedAtLeast(SqliteConnection connection, SqliteTransaction transaction, string peer, ulong seq)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, """
            INSERT INTO peer_sequences(peer, last_assigned) VALUES ($peer, $seq)
                ON CONFLICT(peer) DO UPDATE SET last_assigned = max(last_assigned, excluded.last_assigned);
            """);
        command.Parameters.AddWithValue("$peer", peer);
        command.Parameters.AddWithValue("$seq", (long)seq);
        command.ExecuteNonQuery();
    }

    /// <summary>The last sequence number given to a message for <paramref name="peer"/>, committed or in <paramref name="transaction"/>.</summary>
    public static ulong LastAssigned(SqliteConnection connection, SqliteTransaction transaction, string peer)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, "SELECT last_assigned FROM peer_sequences WHERE peer = $peer");
        command.Parameters.AddWithValue("$peer", peer);
        return command.ExecuteScalar() is long last ? (ulong)last : 0;
    }

    /// <summary>
    /// Records, with the effects of the message, that <paramref name="seq"/> from <paramref name="peer"/> was processed.
    /// Only the next number counts: after a gap (an earlier message whose handling failed) the mark stays where it
    /// was, and the earlier message is taken again.
    /// </summary>
    public static void MarkReceived(SqliteConnection connection, SqliteTransaction transaction, string peer, ulong seq)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, """
            INSERT INTO peer_sequences(peer, last_received) VALUES ($peer, $seq)
                ON CONFLICT(peer) DO UPDATE SET last_received = excluded.last_received WHERE last_received = excluded.last_received - 1;
            """);
        command.Parameters.AddWithValue("$peer", peer);
        command.Parameters.AddWithValue("$seq", (long)seq);
        command.ExecuteNonQuery();
    }

    /// <summary>Sets <paramref name="letter"/> aside and counts it as processed, so that the messages behind it go on.</summary>
    public static void RecordDeadLetter(SqliteConnection connection, SqliteTransaction transaction, DeadLetter letter)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, """
            INSERT OR REPLACE INTO dead_letters(peer, seq, type, reason, time) VALUES ($peer, $seq, $type, $reason, $time)
            """);
        command.Parameters.AddWithValue("$peer", letter.Peer);
        command.Parameters.AddWithValue("$seq", (long)letter.Seq);
        command.Parameters.AddWithValue("$type", letter.Type);
        command.Parameters.AddWithValue("$reason", letter.Reason);
        command.Parameters.AddWithValue("$time", letter.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        MarkReceived(connection, transaction, letter.Peer, letter.Seq);
    }

    public static void Acknowledged(SqliteConnection connection, SqliteTransaction transaction, string peer, ulong upToSeq)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, "DELETE FROM outbox WHERE peer = $peer AND seq <= $seq");
        command.Parameters.AddWithValue("$peer", peer);
        command.Parameters.AddWithValue("$seq", (long)upToSeq);
        command.ExecuteNonQuery();
    }
}
