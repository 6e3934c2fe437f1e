using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// How many executions of one version of a job are active, how many have completed and how many ended otherwise (or are
/// being stopped), and the partition after the highest one placed.
/// </summary>
public readonly record struct ExecutionTally(int Active, int Completed, int Ended = 0, int NextPartition = 0)
{
    /// <summary>The tally with <paramref name="execution"/> counted <paramref name="times"/> more (−1 takes it out).</summary>
    public ExecutionTally With(Execution execution, int times)
    {
        var completed = execution.ComputeState.StateType == ExecutionStateType.Completed;
        return new(
            Active + (execution.IsActive ? times : 0),
            Completed + (completed ? times : 0),
            Ended + (!execution.IsActive && !completed ? times : 0),
            Math.Max(NextPartition, execution.PartitionIndex + 1));
    }
}
