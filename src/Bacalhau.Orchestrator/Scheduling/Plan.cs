using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>What the scheduler decided for one job: executions to start and to stop, and the job's new state.</summary>
public sealed class Plan
{
    public List<Execution> NewExecutions { get; } = [];
    public List<(Execution Execution, string Reason)> StoppedExecutions { get; } = [];
    public State<JobStateType>? NewJobState { get; set; }
}
