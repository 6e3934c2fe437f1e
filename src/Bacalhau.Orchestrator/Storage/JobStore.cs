using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Core.Messaging;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Serialization;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// The orchestrator's durable state in embedded SQLite (<c>&lt;DataDir&gt;/orchestrator/state.db</c>) with an
/// in-memory view kept in step: reads never touch the disk, writes go through one group-commit writer.
/// </summary>
public sealed class JobStore : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs(id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS executions(id TEXT PRIMARY KEY, job_id TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS evaluations(id TEXT PRIMARY KEY, job_id TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS history(job_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY(job_id, seq));
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly List<string> _jobOrder = [];
    private readonly Dictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _executionsByJob = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JobHistory>> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeExecutions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<Job>>> _terminalWaiters = new(StringComparer.Ordinal);

    public JobStore(string path, string source)
    {
        _connection = SqliteDatabase.Open(path);
        SqliteDatabase.Execute(_connection, Schema);
        Outbox = new MessageOutbox(_connection, source);
        Writer = new GroupCommitWriter(_connection);
        Load();
    }

    public GroupCommitWriter Writer { get; }

    public MessageOutbox Outbox { get; }

    public int JobCount
    {
        get
        {
            lock (_lock)
            {
                return _jobs.Count;
            }
        }
    }

    public Job? GetJob(string id)
    {
        lock (_lock)
        {
            return _jobs.GetValueOrDefault(id);
        }
    }

    /// <summary>The job whose ID starts with <paramref name="prefix"/>, if exactly one does.</summary>
    public Job? FindJobByPrefix(string prefix)
    {
        const int MinimumPrefix = 6;
        if (prefix.Length < MinimumPrefix)
        {
            return null;
        }

        lock (_lock)
        {
            var matches = _jobs.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Take(2).ToList();
            return matches.Count == 1 ? _jobs[matches[0]] : null;
        }
    }

    /// <summary>Jobs in creation order from <paramref name="offset"/>, newest first when <paramref name="reverse"/>.</summary>
    public IReadOnlyList<Job> ListJobs(int offset, int limit, bool reverse)
    {
        lock (_lock)
        {
            var count = Math.Max(0, Math.Min(limit, _jobOrder.Count - offset));
            var jobs = new List<Job>(count);
            for (var i = 0; i < count; i++)
            {
                var index = reverse ? _jobOrder.Count - 1 - offset - i : offset + i;
                jobs.Add(_jobs[_jobOrder[index]]);
            }

            return jobs;
        }
    }

    public IReadOnlyList<Execution> GetExecutions(string jobId)
    {
        lock (_lock)
        {
            return _executionsByJob.TryGetValue(jobId, out var ids) ? [.. ids.Select(id => _executions[id])] : [];
        }
    }

    public Execution? GetExecution(string id)
    {
        lock (_lock)
        {
            return _executions.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Execution> ActiveExecutions()
    {
        lock (_lock)
        {
            return [.. _activeExecutions.Select(id => _executions[id])];
        }
    }

    public IReadOnlyList<JobHistory> GetHistory(string jobId)
    {
        lock (_lock)
        {
            return _history.TryGetValue(jobId, out var history) ? [.. history] : [];
        }
    }

    /// <summary>Jobs that are not finished; the scheduler revisits them when the cluster changes.</summary>
    public IReadOnlyList<Job> OpenJobs()
    {
        lock (_lock)
        {
            return [.. _jobs.Values.Where(j => !j.State.StateType.IsTerminal())];
        }
    }

    /// <summary>Applies <paramref name="changes"/> to the view at once; the task completes when they are durable.</summary>
    public Task CommitAsync(ChangeSet changes)
    {
        lock (_lock)
        {
            foreach (var job in changes.Jobs)
            {
                if (_jobs.TryAdd(job.ID, job))
                {
                    _jobOrder.Add(job.ID);
                }
                else
                {
                    _jobs[job.ID] = job;
                }
            }

            foreach (var execution in changes.Executions)
            {
                Index(execution);
            }

            foreach (var entry in changes.History)
            {
                HistoryOf(entry.JobID).Add(entry);
            }

            // After the whole change is in the view, so a waiter sees the executions that ended the job too.
            foreach (var job in changes.Jobs.Where(j => j.State.StateType.IsTerminal()))
            {
                if (_terminalWaiters.Remove(job.ID, out var waiters))
                {
                    waiters.ForEach(waiter => waiter.TrySetResult(job));
                }
            }
        }

        return Writer.WriteAsync((connection, transaction) => Persist(connection, transaction, changes));
    }

    /// <summary>The job once it is in a terminal state (at once when it already is); null when there is no such job.</summary>
    public async Task<Job?> WhenTerminalAsync(string jobId, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<Job>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var current = _jobs.GetValueOrDefault(jobId);
            if (current is null || current.State.StateType.IsTerminal())
            {
                return current;
            }

            if (!_terminalWaiters.TryGetValue(jobId, out var waiters))
            {
                _terminalWaiters[jobId] = waiters = [];
            }

            waiters.Add(waiter);
        }

        try
        {
            return await waiter.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                if (_terminalWaiters.TryGetValue(jobId, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
                {
                    _terminalWaiters.Remove(jobId);
                }
            }
        }
    }

    public ulong NextHistorySeq(string jobId)
    {
        lock (_lock)
        {
            return (ulong)HistoryOf(jobId).Count + 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private List<JobHistory> HistoryOf(string jobId)
    {
        if (!_history.TryGetValue(jobId, out var history))
        {
            _history[jobId] = history = [];
        }

        return history;
    }

    private void Index(Execution execution)
    {
        if (_executions.TryAdd(execution.ID, execution))
        {
            if (!_executionsByJob.TryGetValue(execution.JobID, out var ids))
            {
                _executionsByJob[execution.JobID] = ids = [];
            }

            ids.Add(execution.ID);
        }
        else
        {
            _executions[execution.ID] = execution;
        }

        if (execution.IsActive)
        {
            _activeExecutions.Add(execution.ID);
        }
        else
        {
            _activeExecutions.Remove(execution.ID);
        }
    }

    private static void Persist(SqliteConnection connection, SqliteTransaction transaction, ChangeSet changes)
    {
        var context = BacalhauJsonContext.Default;
        foreach (var job in changes.Jobs)
        {
            Upsert(connection, transaction, "INSERT OR REPLACE INTO jobs(id, body) VALUES ($id, $body)", job.ID, null, job, context.Job);
        }

        foreach (var execution in changes.Executions)
        {
            // The job is stored once, in its own row; executions reference it.
            Upsert(connection, transaction, "INSERT OR REPLACE INTO executions(id, job_id, body) VALUES ($id, $job, $body)", execution.ID, execution.JobID, execution with { Job = null }, context.Execution);
        }

        foreach (var evaluation in changes.Evaluations)
        {
            Upsert(connection, transaction, "INSERT OR REPLACE INTO evaluations(id, job_id, body) VALUES ($id, $job, $body)", evaluation.ID, evaluation.JobID, evaluation, context.Evaluation);
        }

        foreach (var entry in changes.History)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR REPLACE INTO history(job_id, seq, body) VALUES ($job, $seq, $body)";
            command.Parameters.AddWithValue("$job", entry.JobID);
            command.Parameters.AddWithValue("$seq", (long)entry.SeqNum);
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(entry, context.JobHistory));
            command.ExecuteNonQuery();
        }

        foreach (var message in changes.Messages)
        {
            MessageOutbox.Insert(connection, transaction, message);
        }

        if (changes.Received is var (peer, seq))
        {
            MessageOutbox.MarkReceived(connection, transaction, peer, seq);
        }
    }

    private static void Upsert<T>(SqliteConnection connection, SqliteTransaction transaction, string sql, string id, string? jobId, T value, JsonTypeInfo<T> typeInfo)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        if (jobId is not null)
        {
            command.Parameters.AddWithValue("$job", jobId);
        }

        command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(value, typeInfo));
        command.ExecuteNonQuery();
    }

    private void Load()
    {
        var context = BacalhauJsonContext.Default;
        var jobs = ReadAll("SELECT body FROM jobs", context.Job).OrderBy(j => j.CreateTime).ThenBy(j => j.ID, StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            _jobs[job.ID] = job;
            _jobOrder.Add(job.ID);
        }

        foreach (var execution in ReadAll("SELECT body FROM executions", context.Execution).OrderBy(e => e.CreateTime))
        {
            Index(execution with { Job = _jobs.GetValueOrDefault(execution.JobID) });
        }

        foreach (var entry in ReadAll("SELECT body FROM history ORDER BY job_id, seq", context.JobHistory))
        {
            HistoryOf(entry.JobID).Add(entry);
        }
    }

    private List<T> ReadAll<T>(string sql, JsonTypeInfo<T> typeInfo)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(JsonSerializer.Deserialize(reader.GetString(0), typeInfo)!);
        }

        return items;
    }
}
