using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Cluster;

internal sealed class ClusterOptionsValidation : IValidateOptions<ClusterOptions>
{
    // Below this a busy server's pause would look like a dead leader.
    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        if (options.LeaseDuration < MinimumLease)
        {
            return ValidateOptionsResult.Fail($"{ClusterOptions.SectionName}:LeaseDuration must be at least {MinimumLease.TotalSeconds:0} s, got {options.LeaseDuration}");
        }

        return options.ApiAdvertise is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _)
            ? ValidateOptionsResult.Fail($"{ClusterOptions.SectionName}:ApiAdvertise must be an absolute URL, got '{url}'")
            : ValidateOptionsResult.Success;
    }
}
