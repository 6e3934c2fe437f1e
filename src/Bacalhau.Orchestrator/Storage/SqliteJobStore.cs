using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Cluster.Log;
using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// The orchestrator's durable state in embedded SQLite (<c>&lt;DataDir&gt;/orchestrator/state.db</c>). Unfinished
/// jobs, with their executions and history, are also held in memory, where decisions read them; a finished job
/// leaves memory once all its changes are durable, and is read from the database from then on. So memory grows
/// with the work in flight, not with every job ever run.
/// </summary>
public sealed class SqliteJobStore : IJobStore
{
    // As many as followers that may ask at once for a job that just finished.
    private const int FinishedJobsKept = 1024;

    private readonly SqliteConnection _connection;
    private readonly JobTables _tables;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Name), string> _jobsByName = [];
    private readonly Dictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _executionsByJob = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JobHistory>> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeExecutions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string JobId, ulong Version), ExecutionTally> _tallies = [];
    private readonly JobWatchers _watchers = new();
    private readonly FinishedJobs _finished = new(FinishedJobsKept);

    // Commits not yet durable per job: a job stays in memory until its last one lands.
    private readonly Dictionary<string, int> _pendingCommits = new(StringComparer.Ordinal);

    // Jobs a failed commit touched: once their last pending commit lands, memory is read back from the database.
    private readonly HashSet<string> _failedCommits = new(StringComparer.Ordinal);
    private long _jobCount;

    // Null when the orchestrator runs alone: then a change goes straight to SQLite, as it always did.
    private IStateJournal? _journal;
    private int _disposed;

    public SqliteJobStore(string path, string source)
    {
        _connection = SqliteDatabase.Open(path);
        JobTables.Create(_connection);
        _tables = new JobTables(path);
        Outbox = new MessageOutbox(_connection, source);
        Writer = new GroupCommitWriter(_connection);
        Load();
    }

    public IReadOnlyList<Contracts.Models.NodeState> StoredNodes => _tables.ReadNodes();

    public GroupCommitWriter Writer { get; }

    public MessageOutbox Outbox { get; }

    public long JobCount => Interlocked.Read(ref _jobCount);

    /// <summary>Jobs held in memory: the unfinished ones, and finished ones whose last changes are still being written.</summary>
    public int HeldJobCount
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
            if (_jobs.TryGetValue(id, out var job))
            {
                return job;
            }

            if (_finished.Find(id) is { } finished)
            {
                return finished;
            }
        }

        return _tables.ReadJob(id);
    }

    public Job? FindJobByPrefix(string prefix)
    {
        const int MinimumPrefix = 6;
        if (prefix.Length < MinimumPrefix)
        {
            return null;
        }

        List<string> matches;
        lock (_lock)
        {
            matches = [.. _jobs.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Take(2)];
        }

        var all = matches.Union(_tables.FindJobIds(prefix, 2), StringComparer.Ordinal).Take(2).ToList();
        return all.Count == 1 ? GetJob(all[0]) : null;
    }

    public Job? FindJobByName(string ns, string name)
    {
        lock (_lock)
        {
            // An unfinished job, or one whose changes are not all written yet, is newest in memory.
            if (_jobsByName.TryGetValue((ns, name), out var id))
            {
                return _jobs[id];
            }
        }

        return _tables.ReadJobByName(ns, name) is { } stored ? GetJob(stored.ID) : null;
    }

    public IReadOnlyList<Job> GetJobVersions(string jobId) =>
        GetJob(jobId) is { } job ? [.. _tables.ReadVersions(jobId).Where(v => v.Version < job.Version), job] : [];

    public IReadOnlyList<Job> ListJobs(int offset, int limit, bool reverse, JobFilter filter, JobOrder order = JobOrder.CreatedAt)
    {
        // Filtered on the stored state: the state shown may be a moment newer than the one that matched.
        var jobs = _tables.ReadJobs(offset, limit, reverse, filter, order);
        lock (_lock)
        {
            // The database has every job; memory may already hold a newer state of an unfinished one.
            for (var i = 0; i < jobs.Count; i++)
            {
                if (_jobs.TryGetValue(jobs[i].ID, out var current))
                {
                    jobs[i] = current;
                }
            }
        }

        return jobs;
    }

    public IReadOnlyList<Execution> GetExecutions(string jobId)
    {
        lock (_lock)
        {
            if (_jobs.ContainsKey(jobId))
            {
                return _executionsByJob.TryGetValue(jobId, out var ids) ? [.. ids.Select(id => _executions[id])] : [];
            }
        }

        return _tables.ReadJob(jobId) is { } job ? _tables.ReadExecutions(job) : [];
    }

    /// <summary>The execution if it is active; every active execution is held in memory.</summary>
    public Execution? GetActiveExecution(string id)
    {
        lock (_lock)
        {
            return _activeExecutions.Contains(id) ? _executions[id] : null;
        }
    }

    public IReadOnlyList<Execution> ActiveExecutions()
    {
        lock (_lock)
        {
            return [.. _activeExecutions.Select(id => _executions[id])];
        }
    }

    /// <summary>Held jobs only, as every job with an active execution is; a job that left memory counts nothing.</summary>
    public ExecutionTally TallyExecutions(string jobId, ulong version)
    {
        lock (_lock)
        {
            return _tallies.GetValueOrDefault((jobId, version));
        }
    }

    public IReadOnlyList<JobHistory> GetHistory(string jobId)
    {
        lock (_lock)
        {
            if (_history.TryGetValue(jobId, out var history))
            {
                return [.. history];
            }
        }

        return _tables.ReadHistory(jobId);
    }

    public IReadOnlyList<Job> OpenJobs()
    {
        lock (_lock)
        {
            return [.. _jobs.Values.Where(j => !j.State.StateType.IsTerminal())];
        }
    }

    public async Task<Job?> WaitForJobAsync(string id, ulong revision, CancellationToken cancellationToken)
    {
        var job = GetJob(id);
        while (job is not null && job.Revision <= revision && !cancellationToken.IsCancellationRequested)
        {
            Job? seen = null;
            var changed = await _watchers.NextChangeAsync(id, () => (seen = GetJob(id)) is null || seen.Revision > revision, cancellationToken);
            job = changed ? seen : GetJob(id);
        }

        return job;
    }

    public ulong NextHistorySeq(string jobId)
    {
        lock (_lock)
        {
            if (_history.TryGetValue(jobId, out var history))
            {
                return (ulong)history.Count + 1;
            }
        }

        return (ulong)_tables.ReadHistory(jobId).Count + 1;
    }

    /// <summary>
    /// Applies <paramref name="changes"/> to the view at once; the task completes when they are durable. When they
    /// cannot be written (a full disk), the task fails and the jobs they touched are read back from the database once
    /// no other change to them is in flight, so that memory does not keep what was never recorded.
    /// </summary>
    public async Task CommitAsync(ChangeSet changes)
    {
        var touched = Stage(changes);
        var written = false;
        try
        {
            Action<SqliteConnection, SqliteTransaction> persist = (connection, transaction) => JobTables.Persist(connection, transaction, changes, Outbox);
            await (_journal is null ? Writer.WriteAsync(persist) : _journal.RecordAsync(CommitOperation.From(changes), persist));
            written = true;
        }
        finally
        {
            Settle(touched, written);
        }
    }

    public Task SaveNodeAsync(Contracts.Models.NodeState node) => Record(new SaveNodeOperation(node));

    public Task DeleteNodeAsync(string nodeId) => Record(new DeleteNodeOperation(nodeId));

    /// <summary>Opens a leader's term in the log: appended before the leader acts, it fences every earlier leader.</summary>
    internal Task StartTermAsync(long term, string nodeId) => Record(new TermStartedOperation(term, nodeId));

    /// <summary>Reads the outbox again, as a follower that takes the lead does: the log has changed it since start.</summary>
    internal Task ReloadOutboxAsync() => Writer.WriteAsync(Outbox.Reload);

    /// <summary>A peer acknowledged our messages up to <paramref name="upTo"/>: they leave the outbox.</summary>
    internal Task ForgetAcknowledgedAsync(string peer, ulong upTo) => Record(new AcknowledgedOperation(peer, upTo));

    /// <summary>
    /// Replicated mode, at start before anything is written: answers the last log sequence this database applied, 0
    /// for a new one. Until <see cref="ReplicateThrough"/> names a journal, changes other than the log's fail.
    /// </summary>
    internal ulong StartReplication()
    {
        AppliedSequence.Create(_connection);
        _journal = NotLeading.Journal;
        return AppliedSequence.Read(_connection);
    }

    /// <summary>From now on every change is appended to the replicated log through <paramref name="journal"/> before it is written here.</summary>
    internal void ReplicateThrough(IStateJournal journal) => Volatile.Write(ref _journal, journal);

    /// <summary>
    /// Applies one message of the replicated log, as a follower does: memory at once, then the database in one
    /// transaction that also records <paramref name="sequence"/> as applied, so that a restart goes on after it.
    /// </summary>
    internal async Task ApplyLoggedAsync(ulong sequence, IReadOnlyList<StateOperation> operations)
    {
        var persists = new List<Action<SqliteConnection, SqliteTransaction>>(operations.Count);
        var touched = new List<HashSet<string>>();
        foreach (var operation in operations)
        {
            if (operation is CommitOperation commit)
            {
                var changes = commit.ToChangeSet(GetJob);
                touched.Add(Stage(changes));
                persists.Add((connection, transaction) => JobTables.Persist(connection, transaction, changes, Outbox));
            }
            else
            {
                persists.Add(PersistOf(operation));
            }
        }

        var written = false;
        try
        {
            await Writer.WriteAsync(AppliedSequence.Persisting(persists, sequence));
            written = true;
        }
        finally
        {
            foreach (var jobs in touched)
            {
                Settle(jobs, written);
            }
        }
    }

    private Task Record(StateOperation operation)
    {
        var persist = PersistOf(operation);
        return _journal is null ? Writer.WriteAsync(persist) : _journal.RecordAsync(operation, persist);
    }

    /// <summary>The local write of an operation other than a commit.</summary>
    private static Action<SqliteConnection, SqliteTransaction> PersistOf(StateOperation operation) => operation switch
    {
        SaveNodeOperation save => (connection, transaction) => JobTables.PersistNode(connection, transaction, save.Node),
        DeleteNodeOperation delete => (connection, transaction) => JobTables.DeleteNode(connection, transaction, delete.NodeId),
        AcknowledgedOperation ack => (connection, transaction) => MessageOutbox.Acknowledged(connection, transaction, ack.Peer, ack.UpTo),
        ResumeOperation resume => (connection, transaction) => MessageOutbox.EnsureAssignedAtLeast(connection, transaction, resume.Peer, resume.ProcessedByPeer),
        TermStartedOperation => static (_, _) => { },
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.GetType().Name, "unknown state operation"),
    };

    /// <summary>Applies <paramref name="changes"/> to memory; answers the jobs they touch, each now with one more commit in flight.</summary>
    private HashSet<string> Stage(ChangeSet changes)
    {
        var touched = changes.Jobs.Select(j => j.ID)
            .Concat(changes.Executions.Select(e => e.JobID))
            .Concat(changes.History.Select(h => h.JobID))
            .ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var jobId in touched)
            {
                _pendingCommits[jobId] = _pendingCommits.GetValueOrDefault(jobId) + 1;
            }

            foreach (var job in changes.Jobs)
            {
                if (changes.CreatedJobs.Contains(job.ID))
                {
                    Interlocked.Increment(ref _jobCount);
                    _history[job.ID] = [];
                }
                else if (!_jobs.ContainsKey(job.ID))
                {
                    Admit(job);
                }

                Hold(job);
            }

            // Only a late change to a finished job gets here: bring it back so that its view is whole.
            foreach (var jobId in touched.Where(id => !_jobs.ContainsKey(id)))
            {
                if (_tables.ReadJob(jobId) is { } stored)
                {
                    Admit(stored);
                    Hold(stored);
                }
            }

            foreach (var execution in changes.Executions)
            {
                Index(execution);
            }

            foreach (var entry in changes.History.Where(h => _history.ContainsKey(h.JobID)))
            {
                _history[entry.JobID].Add(entry);
            }
        }

        return touched;
    }

    /// <summary>One commit of each of <paramref name="touched"/> is done: release what it held, read back what failed.</summary>
    private void Settle(HashSet<string> touched, bool written)
    {
        lock (_lock)
        {
            foreach (var jobId in touched)
            {
                if (!written)
                {
                    _failedCommits.Add(jobId);
                }

                ReleaseIfDone(jobId);
            }
        }

        _watchers.Notify(touched);
    }

    public async ValueTask DisposeAsync()
    {
        // Once: in a replicated orchestrator the container holds the store under two service types.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Writer.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Brings a finished job back into memory with its stored executions and history.</summary>
    private void Admit(Job job)
    {
        _history[job.ID] = _tables.ReadHistory(job.ID);
        foreach (var execution in _tables.ReadExecutions(job))
        {
            Index(execution);
        }
    }

    private void ReleaseIfDone(string jobId)
    {
        var pending = _pendingCommits[jobId] - 1;
        if (pending > 0)
        {
            _pendingCommits[jobId] = pending;
            return;
        }

        _pendingCommits.Remove(jobId);
        if (_failedCommits.Remove(jobId))
        {
            ReadBack(jobId);
        }

        if (!_jobs.TryGetValue(jobId, out var job) || !job.State.StateType.IsTerminal())
        {
            return;
        }

        if ((_executionsByJob.GetValueOrDefault(jobId) ?? []).Any(_activeExecutions.Contains))
        {
            return;
        }

        _finished.Add(job);
        Forget(jobId);
    }

    /// <summary>Replaces what memory holds of a job with what the database recorded; a job never recorded is dropped.</summary>
    private void ReadBack(string jobId)
    {
        Forget(jobId);
        if (_tables.ReadJob(jobId) is { } stored)
        {
            Admit(stored);
            Hold(stored);
        }
        else
        {
            Interlocked.Decrement(ref _jobCount);
        }
    }

    /// <summary>Holds <paramref name="job"/> in memory, findable by its name.</summary>
    private void Hold(Job job)
    {
        if (_jobs.TryGetValue(job.ID, out var held) && _jobsByName.GetValueOrDefault((held.Namespace, held.Name)) == job.ID)
        {
            _jobsByName.Remove((held.Namespace, held.Name));
        }

        _jobs[job.ID] = job;
        _jobsByName[(job.Namespace, job.Name)] = job.ID;
    }

    private void Forget(string jobId)
    {
        var executionIds = _executionsByJob.GetValueOrDefault(jobId) ?? [];
        if (_jobs.TryGetValue(jobId, out var job) && _jobsByName.GetValueOrDefault((job.Namespace, job.Name)) == jobId)
        {
            _jobsByName.Remove((job.Namespace, job.Name));
        }

        _jobs.Remove(jobId);
        _history.Remove(jobId);
        _executionsByJob.Remove(jobId);
        foreach (var id in executionIds)
        {
            if (_executions.Remove(id, out var execution))
            {
                _tallies.Remove((jobId, execution.JobVersion));
            }

            _activeExecutions.Remove(id);
        }
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
            Tally(_executions[execution.ID], -1);
            _executions[execution.ID] = execution;
        }

        Tally(execution, 1);

        if (execution.IsActive)
        {
            _activeExecutions.Add(execution.ID);
        }
        else
        {
            _activeExecutions.Remove(execution.ID);
        }
    }

    private void Tally(Execution execution, int times)
    {
        var key = (execution.JobID, execution.JobVersion);
        _tallies[key] = _tallies.GetValueOrDefault(key).With(execution, times);
    }

    private void Load()
    {
        var (jobs, executions, history, count) = JobTables.LoadOpen(_connection);
        _jobCount = count;
        foreach (var job in jobs)
        {
            Hold(job);
            _history[job.ID] = [];
        }

        foreach (var execution in executions.OrderBy(e => e.CreateTime))
        {
            Index(execution with { Job = _jobs.GetValueOrDefault(execution.JobID) });
        }

        foreach (var entry in history)
        {
            _history[entry.JobID].Add(entry);
        }
    }
}
