using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Core.Protocol;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Core.Messaging;

/// <summary>
/// Sequence numbers and the durable outbox of one node's database. Entries are created in memory, written in the
/// same transaction as the state change that caused them, and handed to the <see cref="OrderedSender"/> only
/// after that commit, so a crash can lose neither the change nor its message.
/// </summary>
public sealed class MessageOutbox
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox(
            peer TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, envelope BLOB NOT NULL, traceparent TEXT,
            PRIMARY KEY(peer, seq));
        CREATE TABLE IF NOT EXISTS peer_sequences(
            peer TEXT PRIMARY KEY, last_assigned INTEGER NOT NULL DEFAULT 0, last_received INTEGER NOT NULL DEFAULT 0);
        """;

    private readonly string _source;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ulong> _lastAssigned = new(StringComparer.Ordinal);

    public MessageOutbox(SqliteConnection connection, string source)
    {
        _source = source;
        SqliteDatabase.Execute(connection, Schema);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT peer, last_assigned, last_received FROM peer_sequences";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _lastAssigned[reader.GetString(0)] = (ulong)reader.GetInt64(1);
                LastReceived[reader.GetString(0)] = (ulong)reader.GetInt64(2);
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT peer, seq, type, envelope, traceparent FROM outbox ORDER BY peer, seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Pending.Add(new OutboxEntry(reader.GetString(0), (ulong)reader.GetInt64(1), reader.GetString(2), (byte[])reader[3], reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
    }

    /// <summary>Last sequence number processed from each peer, as persisted.</summary>
    public Dictionary<string, ulong> LastReceived { get; } = new(StringComparer.Ordinal);

    /// <summary>Entries not yet acknowledged when the node started.</summary>
    public List<OutboxEntry> Pending { get; } = [];

    public OutboxEntry Create<T>(string peer, string type, T payload, JsonTypeInfo<T> typeInfo)
    {
        ulong seq;
        lock (_lock)
        {
            seq = _lastAssigned[peer] = _lastAssigned.GetValueOrDefault(peer) + 1;
        }

        var (envelope, _) = NclMessage.Create(type, _source, payload, typeInfo, seq);
        return new OutboxEntry(peer, seq, type, envelope, Activity.Current?.Id);
    }

    /// <summary>A receiver that has seen more than we remember (our database was reset) must not drop our messages as duplicates.</summary>
    public void EnsureAssignedAtLeast(string peer, ulong seq)
    {
        lock (_lock)
        {
            if (_lastAssigned.GetValueOrDefault(peer) < seq)
            {
                _lastAssigned[peer] = seq;
            }
        }
    }

    public static void Insert(SqliteConnection connection, SqliteTransaction transaction, OutboxEntry entry)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, """
            INSERT INTO outbox(peer, seq, type, envelope, traceparent) VALUES ($peer, $seq, $type, $envelope, $traceparent);
            INSERT INTO peer_sequences(peer, last_assigned) VALUES ($peer, $seq)
                ON CONFLICT(peer) DO UPDATE SET last_assigned = max(last_assigned, excluded.last_assigned);
            """);
        command.Parameters.AddWithValue("$peer", entry.Peer);
        command.Parameters.AddWithValue("$seq", (long)entry.Seq);
        command.Parameters.AddWithValue("$type", entry.Type);
        command.Parameters.AddWithValue("$envelope", entry.Envelope);
        command.Parameters.AddWithValue("$traceparent", (object?)entry.TraceParent ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Records, with the effects of the message, that <paramref name="seq"/> from <paramref name="peer"/> was processed.</summary>
    public static void MarkReceived(SqliteConnection connection, SqliteTransaction transaction, string peer, ulong seq)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, """
            INSERT INTO peer_sequences(peer, last_received) VALUES ($peer, $seq)
                ON CONFLICT(peer) DO UPDATE SET last_received = max(last_received, excluded.last_received);
            """);
        command.Parameters.AddWithValue("$peer", peer);
        command.Parameters.AddWithValue("$seq", (long)seq);
        command.ExecuteNonQuery();
    }

    public static void Acknowledged(SqliteConnection connection, SqliteTransaction transaction, string peer, ulong upToSeq)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, "DELETE FROM outbox WHERE peer = $peer AND seq <= $seq");
        command.Parameters.AddWithValue("$peer", peer);
        command.Parameters.AddWithValue("$seq", (long)upToSeq);
        command.ExecuteNonQuery();
    }
}
