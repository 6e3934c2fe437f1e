using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;

namespace Bacalhau.Orchestrator.Scheduling;

internal static class RequestedResources
{
    public static Resources Of(JobTask task) => ResourceParser.Parse(task.Resources);
}
