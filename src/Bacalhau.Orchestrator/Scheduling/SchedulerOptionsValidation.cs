using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Scheduling;

internal sealed class SchedulerOptionsValidation : IValidateOptions<SchedulerOptions>
{
    /// <summary>Far above any real job, low enough that one submission cannot ask for millions of rows and messages.</summary>
    public const int MaxMaxCount = 100_000;

    public ValidateOptionsResult Validate(string? name, SchedulerOptions options) => new OptionsProblems(SchedulerOptions.SectionName)
        .Between("MaxCount", options.MaxCount, 1, MaxMaxCount)
        .Between("MaxRetries", options.MaxRetries, 0, 100)
        // Below the 49 days a timer can wait.
        .Duration("QueueTimeout", options.QueueTimeout, TimeSpan.FromDays(30))
        .Result;
}
