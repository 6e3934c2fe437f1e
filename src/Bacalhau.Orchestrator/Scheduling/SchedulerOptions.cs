namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>The <c>Orchestrator:Scheduler</c> section.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Orchestrator:Scheduler";

    /// <summary>Failed attempts tolerated per partition of a batch or service job before the job fails.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long a job may wait for a node that can take it, unless the job sets Timeouts.QueueTimeout.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most executions one job may ask for (its Count); every one is a row, a message and a slot on a node.</summary>
    public int MaxCount { get; set; } = JobSpecs.JobSubmission.DefaultMaxCount;
}
