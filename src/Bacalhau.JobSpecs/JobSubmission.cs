using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>
/// What a submitted spec becomes before anything runs it: its ID, the defaults, then the rules. The orchestrator's
/// API and <c>bacalhau job validate</c> both call this, so a spec passes offline exactly when the API takes it
/// (but for the limits only a running server knows, such as its NATS message size).
/// </summary>
public static class JobSubmission
{
    /// <summary>The most executions one job may ask for unless the orchestrator is configured otherwise.</summary>
    public const int DefaultMaxCount = 1000;

    /// <summary>A new job's ID, as Bacalhau forms them (<c>j-</c> and a UUID).</summary>
    public static string NewJobId() => $"j-{Guid.NewGuid():D}";

    /// <summary>The job <paramref name="spec"/> describes, named <paramref name="id"/>; <paramref name="errors"/> is empty when it is valid.</summary>
    public static Job Prepare(Job spec, string id, int maxCount, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var job = JobDefaults.Apply(spec with { ID = id });
        errors = JobValidator.Validate(job, maxCount);
        return job;
    }
}
