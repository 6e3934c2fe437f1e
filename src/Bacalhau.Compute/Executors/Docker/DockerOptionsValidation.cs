using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>Refuses to start a node whose container limits would not parse or would not hold, naming the key.</summary>
internal sealed class DockerOptionsValidation : IValidateOptions<DockerOptions>
{
    /// <summary>Linux's highest pid_max: a larger limit is no limit.</summary>
    public const long MaxPidsLimit = 4_194_304;

    public ValidateOptionsResult Validate(string? name, DockerOptions options) => new OptionsProblems(DockerOptions.SectionName)
        .Check(options.Host is null || Uri.TryCreate(options.Host, UriKind.Absolute, out _), "Host", $"'{options.Host}' is not an address such as unix:///var/run/docker.sock or tcp://host:2375")
        .Check(options.DefaultMemoryBytes > 0, "DefaultMemory", $"'{options.DefaultMemory}' is not a positive size such as 512Mi or 1Gb")
        .Check(options.DefaultCpuCores > 0, "DefaultCPU", $"'{options.DefaultCPU}' is not a positive number of cores such as 1 or 500m")
        .Between("PidsLimit", options.PidsLimit, 1, MaxPidsLimit)
        .Between("MaxOutputBytes", options.MaxOutputBytes, 1, int.MaxValue)
        .Result;
}
