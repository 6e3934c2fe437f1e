using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>How many executions of one version of a job are active and how many have completed.</summary>
public readonly record struct ExecutionTally(int Active, int Completed)
{
    /// <summary>The tally with <paramref name="execution"/> counted <paramref name="times"/> more (−1 takes it out).</summary>
    public ExecutionTally With(Execution execution, int times) => new(
        Active + (execution.IsActive ? times : 0),
        Completed + (execution.ComputeState.StateType == ExecutionStateType.Completed ? times : 0));
}
