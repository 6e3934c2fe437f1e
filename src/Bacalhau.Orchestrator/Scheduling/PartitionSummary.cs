using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>
/// A batch or service job's partitions as its executions leave them, from one pass over them: which are settled (one
/// under way, or for a batch job one completed), and the attempts of the others, each of which failed. Planning a job of
/// many partitions looks at every partition; grouping every execution per partition made each plan allocate as much
/// again as the job has executions.
/// </summary>
internal sealed class PartitionSummary
{
    private static readonly IReadOnlyList<Execution> NoAttempts = [];
    private readonly bool[] _settled;
    private readonly Dictionary<int, List<Execution>> _unsettledAttempts = [];

    private PartitionSummary(int count) => _settled = new bool[count];

    /// <summary>How many partitions the job has.</summary>
    public int Count => _settled.Length;

    /// <summary>The executions under way, whatever their partition.</summary>
    public int Active { get; private set; }

    /// <summary>How many partitions have a completed execution.</summary>
    public int Completed { get; private set; }

    /// <summary>Summarises <paramref name="executions"/>, those of <paramref name="job"/>'s current version.</summary>
    public static PartitionSummary Of(Job job, IReadOnlyList<Execution> executions)
    {
        var summary = new PartitionSummary(Math.Max(job.Count, 1));
        var completed = new bool[summary.Count];
        foreach (var execution in executions)
        {
            var active = execution.IsActive;
            summary.Active += active ? 1 : 0;
            var partition = execution.PartitionIndex;
            if (partition < 0 || partition >= summary.Count)
            {
                continue;
            }

            var isCompleted = execution.ComputeState.StateType == ExecutionStateType.Completed;
            if (isCompleted && !completed[partition])
            {
                completed[partition] = true;
                summary.Completed++;
            }

            summary._settled[partition] |= active || (isCompleted && job.Type == JobTypes.Batch);
        }

        foreach (var execution in executions)
        {
            var partition = execution.PartitionIndex;
            if (partition >= 0 && partition < summary.Count && !summary._settled[partition])
            {
                if (!summary._unsettledAttempts.TryGetValue(partition, out var attempts))
                {
                    summary._unsettledAttempts[partition] = attempts = [];
                }

                attempts.Add(execution);
            }
        }

        return summary;
    }

    public bool IsSettled(int partition) => _settled[partition];

    /// <summary>The attempts of a partition that is not settled: all of them ended without settling it.</summary>
    public IReadOnlyList<Execution> AttemptsOf(int partition) => _unsettledAttempts.TryGetValue(partition, out var attempts) ? attempts : NoAttempts;
}
