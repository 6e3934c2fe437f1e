using Bacalhau.Core.Jobs;
using Bacalhau.Core.Models;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

internal static class RequestedResources
{
    public static Resources Of(JobTask task) => ResourceParser.Parse(task.Resources);
}
