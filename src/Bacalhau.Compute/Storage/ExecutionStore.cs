using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.Storage;

namespace Bacalhau.Compute.Storage;

/// <summary>
/// The compute node's executions in embedded SQLite (<c>&lt;DataDir&gt;/compute/state.db</c>), the unfinished ones
/// also in memory. Each state change is written together with the message that reports it and the inbound sequence
/// number it processed, so a crash neither loses a result nor applies a message twice.
/// </summary>
public sealed class ExecutionStore : IOutboxStore, IAsyncDisposable
{
    private readonly string _path;
    private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Execution> _executions = new(StringComparer.Ordinal);

    public ExecutionStore(string path, string source)
    {
        _path = path;
        _connection = SqliteDatabase.Open(path);
        SqliteDatabase.Execute(_connection, "CREATE TABLE IF NOT EXISTS executions(id TEXT PRIMARY KEY, body TEXT NOT NULL)");
        Outbox = new MessageOutbox(_connection, source);
        Writer = new GroupCommitWriter(_connection);
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT body FROM executions";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var execution = JsonSerializer.Deserialize(reader.GetString(0), BacalhauJsonContext.Default.Execution)!;
            if (!execution.ComputeState.StateType.IsTerminal())
            {
                _executions[execution.ID] = execution;
            }
        }
    }

    public GroupCommitWriter Writer { get; }

    public MessageOutbox Outbox { get; }

    /// <summary>An execution, unfinished from memory, finished from the database.</summary>
    public Execution? Get(string id)
    {
        lock (_lock)
        {
            if (_executions.TryGetValue(id, out var execution))
            {
                return execution;
            }
        }

        using var connection = SqliteDatabase.OpenReader(_path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM executions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is string body ? JsonSerializer.Deserialize(body, BacalhauJsonContext.Default.Execution) : null;
    }

    public IReadOnlyList<Execution> Unfinished()
    {
        lock (_lock)
        {
            return [.. _executions.Values.Where(e => !e.ComputeState.StateType.IsTerminal())];
        }
    }

    /// <summary>
    /// Records <paramref name="execution"/>, the message reporting it and the inbound message it answers; completes
    /// when durable, with the message as numbered and written, to be sent. When the write fails, memory goes back to
    /// what it held before.
    /// </summary>
    public async Task<OutboxEntry?> SaveAsync(Execution execution, OutboundMessage? message, InboundMessage? processed)
    {
        Execution? previous;
        lock (_lock)
        {
            previous = _executions.GetValueOrDefault(execution.ID);
            _executions[execution.ID] = execution;
        }

        var body = JsonSerializer.Serialize(execution, BacalhauJsonContext.Default.Execution);
        OutboxEntry? written = null;
        try
        {
            await Writer.WriteAsync((connection, transaction) =>
            {
                var command = SqliteDatabase.Prepared(connection, transaction, "INSERT INTO executions(id, body) VALUES ($id, $body) ON CONFLICT(id) DO UPDATE SET body = excluded.body");
                command.Parameters.AddWithValue("$id", execution.ID);
                command.Parameters.AddWithValue("$body", body);
                command.ExecuteNonQuery();

                if (message is not null)
                {
                    written = Outbox.Insert(connection, transaction, message);
                }

                if (processed is not null)
                {
                    MessageOutbox.MarkReceived(connection, transaction, processed.Peer, processed.Seq);
                }
            });
        }
        catch
        {
            lock (_lock)
            {
                if (ReferenceEquals(_executions.GetValueOrDefault(execution.ID), execution))
                {
                    if (previous is null)
                    {
                        _executions.Remove(execution.ID);
                    }
                    else
                    {
                        _executions[execution.ID] = previous;
                    }
                }
            }

            throw;
        }

        // A node runs executions without end; memory keeps the unfinished ones, and a finished one once its record
        // is durable, so that reading it back never finds an older state.
        if (execution.ComputeState.StateType.IsTerminal())
        {
            lock (_lock)
            {
                if (ReferenceEquals(_executions.GetValueOrDefault(execution.ID), execution))
                {
                    _executions.Remove(execution.ID);
                }
            }
        }

        return written;
    }

    /// <summary>Records that an inbound message needed no state change, so it is not applied again.</summary>
    public Task MarkReceivedAsync(InboundMessage processed) =>
        Writer.WriteAsync((connection, transaction) => MessageOutbox.MarkReceived(connection, transaction, processed.Peer, processed.Seq));

    /// <summary>Sets aside a message from the orchestrator that can never be handled, counting it as received.</summary>
    public Task DeadLetterAsync(DeadLetter letter) =>
        Writer.WriteAsync((connection, transaction) => MessageOutbox.RecordDeadLetter(connection, transaction, letter));

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
