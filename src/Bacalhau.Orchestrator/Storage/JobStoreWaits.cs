using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>Waits built on <see cref="IJobStore.WaitForJobAsync"/>, the same for every store.</summary>
internal static class JobStoreWaits
{
    /// <summary>The job once it is in a terminal state (at once when it already is); null when there is no such job.</summary>
    public static async Task<Job?> WhenTerminalAsync(this IJobStore store, string jobId, CancellationToken cancellationToken)
    {
        var job = store.GetJob(jobId);
        while (job is not null && !job.State.StateType.IsTerminal())
        {
            cancellationToken.ThrowIfCancellationRequested();
            job = await store.WaitForJobAsync(jobId, job.Revision, cancellationToken);
        }

        return job;
    }
}
