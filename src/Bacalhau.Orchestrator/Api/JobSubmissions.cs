using Bacalhau.Core.Jobs;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Orchestrator.Api;

/// <summary>What every submission endpoint does to a spec before the coordinator sees it.</summary>
internal static class JobSubmissions
{
    /// <summary>Gives <paramref name="spec"/> a new ID and its defaults; false, with every problem in <paramref name="error"/>, when it is not valid.</summary>
    public static bool TryPrepare(Job spec, out Job job, out string error)
    {
        job = JobDefaults.Apply(spec with { ID = $"j-{Guid.NewGuid():D}" });
        var errors = JobValidator.Validate(job);
        error = string.Join("; ", errors);
        return errors.Count == 0;
    }
}
