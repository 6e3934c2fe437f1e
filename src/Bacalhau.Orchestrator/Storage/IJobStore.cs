using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Messaging;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// The orchestrator's durable state as the rest of the orchestrator uses it: reads of jobs, executions, history and
/// node membership, blocking waits on a job's revision, and the commit of one decision with the messages it implies.
/// <see cref="SqliteJobStore"/> is the one implementation today; a replicated one (issue 15) sits beside it.
/// </summary>
/// <remarks>
/// It is still an <see cref="IOutboxStore"/>: the ordered channel reads the outbox at start and queues its handshake
/// and acknowledgement writes on the store's group-commit writer, both SQLite's. Moving them behind operations means
/// changing the channel both sides share; issue 15 does that when its replicated log has to feed the channel.
/// </remarks>
public interface IJobStore : IOutboxStore, IAsyncDisposable
{
    /// <summary>Compute nodes as their membership last changed, read from the database; see <see cref="Nodes.NodeRegistry"/>.</summary>
    IReadOnlyList<NodeState> StoredNodes { get; }

    /// <summary>Every job ever recorded.</summary>
    long JobCount { get; }

    Job? GetJob(string id);

    /// <summary>The job whose ID starts with <paramref name="prefix"/>, if exactly one does.</summary>
    Job? FindJobByPrefix(string prefix);

    /// <summary>The job named <paramref name="name"/> in namespace <paramref name="ns"/> (the newest, should older ones share it).</summary>
    Job? FindJobByName(string ns, string name);

    /// <summary>Every version of the job, oldest first: each as it was when the next replaced it, the last as it is now.</summary>
    IReadOnlyList<Job> GetJobVersions(string jobId);

    /// <summary>
    /// Jobs that pass <paramref name="filter"/> in <paramref name="order"/> (creation by default) from
    /// <paramref name="offset"/> (counted among those that pass), last first when <paramref name="reverse"/>.
    /// </summary>
    IReadOnlyList<Job> ListJobs(int offset, int limit, bool reverse, JobFilter filter, JobOrder order = JobOrder.CreatedAt);

    IReadOnlyList<Execution> GetExecutions(string jobId);

    /// <summary>The execution if it is active, else null.</summary>
    Execution? GetActiveExecution(string id);

    IReadOnlyList<Execution> ActiveExecutions();

    /// <summary>
    /// The tally of version <paramref name="version"/> of a job's executions (active, completed, otherwise ended, the next
    /// partition), kept as changes land rather than counted by a walk.
    /// </summary>
    ExecutionTally TallyExecutions(string jobId, ulong version);

    IReadOnlyList<JobHistory> GetHistory(string jobId);

    /// <summary>Jobs that are not finished; the scheduler revisits them when the cluster changes.</summary>
    IReadOnlyList<Job> OpenJobs();

    /// <summary>The sequence number the job's next history entry takes.</summary>
    ulong NextHistorySeq(string jobId);

    /// <summary>
    /// The job once its revision is past <paramref name="revision"/>, or as it is when
    /// <paramref name="cancellationToken"/> fires; null if there is no such job.
    /// </summary>
    Task<Job?> WaitForJobAsync(string id, ulong revision, CancellationToken cancellationToken);

    /// <summary>
    /// Records one decision: its state changes, history, dead letters, the inbound message it processed and its
    /// outbound messages (numbered into <see cref="ChangeSet.Written"/>), all or nothing. Reads see the changes at
    /// once; the task completes when they are durable and fails when they cannot be recorded, and then reads go back
    /// to what was recorded.
    /// </summary>
    Task CommitAsync(ChangeSet changes);

    /// <summary>Records a change of <paramref name="node"/>'s membership; completes when durable.</summary>
    Task SaveNodeAsync(NodeState node);

    /// <summary>Forgets a deleted node's membership; completes when durable.</summary>
    Task DeleteNodeAsync(string nodeId);
}
