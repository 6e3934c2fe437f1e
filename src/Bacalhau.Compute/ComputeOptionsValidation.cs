using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute;

/// <summary>Refuses to start a compute node whose <c>Compute</c> settings cannot work, naming the key.</summary>
internal sealed class ComputeOptionsValidation : IValidateOptions<ComputeOptions>
{
    public ValidateOptionsResult Validate(string? name, ComputeOptions options)
    {
        var problems = new OptionsProblems(ComputeOptions.SectionName)
            .Between("OrchestratorAPIPort", options.OrchestratorApiPort, 1, 65535)
            .Duration("Heartbeat:Interval", options.Heartbeat.Interval, TimeSpan.FromHours(1))
            .Duration("Heartbeat:InfoUpdateInterval", options.Heartbeat.InfoUpdateInterval, TimeSpan.FromDays(1));
        foreach (var (resource, problem) in options.AllocatedCapacity.Problems())
        {
            problems.Check(false, $"AllocatedCapacity:{resource}", problem);
        }

        return problems.Result;
    }
}
