using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>Refuses to start a node whose container limits would not parse, naming the key.</summary>
internal sealed class DockerOptionsValidation : IValidateOptions<DockerOptions>
{
    public ValidateOptionsResult Validate(string? name, DockerOptions options) =>
        options.DefaultMemoryBytes <= 0 ? Fail("DefaultMemory", $"'{options.DefaultMemory}' is not a positive size such as 512Mi or 1Gb")
        : options.DefaultCpuCores <= 0 ? Fail("DefaultCPU", $"'{options.DefaultCPU}' is not a positive number of cores such as 1 or 500m")
        : options.PidsLimit <= 0 ? Fail("PidsLimit", $"must be positive, got {options.PidsLimit}")
        : ValidateOptionsResult.Success;

    private static ValidateOptionsResult Fail(string key, string problem) => ValidateOptionsResult.Fail($"{DockerOptions.SectionName}:{key}: {problem}");
}
