using Bacalhau.Compute.Executors.Docker;
using Bacalhau.Compute.Inputs;
using Bacalhau.Compute.Publishers.Local;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Tests;

/// <summary>A compute node's settings are checked at start; each bad one is refused naming its key, the defaults pass.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ComputeOptionsValidation().Validate(null, new ComputeOptions()).Succeeded);
        Assert.True(new DockerOptionsValidation().Validate(null, new DockerOptions { Host = "unix:///x.sock" }).Succeeded);
        Assert.True(new DockerOptionsValidation().Validate(null, new DockerOptions()).Succeeded);
        Assert.True(new LocalPublisherOptionsValidation().Validate(null, new LocalPublisherOptions { Address = "[::1]", Port = 8080 }).Succeeded);
        Assert.True(new InputSourcesOptionsValidation().Validate(null, new InputSourcesOptions()).Succeeded);
    }

    public static TheoryData<Func<ValidateOptionsResult>, string> BadSettings() => new()
    {
        { () => Docker(o => o.PidsLimit = -3), "Compute:Docker:PidsLimit: must be between 1 and 4194304, got -3" },
        { () => Docker(o => o.PidsLimit = DockerOptionsValidation.MaxPidsLimit + 1), "Compute:Docker:PidsLimit: must be between 1 and 4194304" },
        { () => Docker(o => o.MaxOutputBytes = 0), "Compute:Docker:MaxOutputBytes: must be between 1 and" },
        { () => Docker(o => o.DefaultMemory = "lots"), "Compute:Docker:DefaultMemory: 'lots' is not a positive size" },
        { () => Docker(o => o.DefaultCPU = "0"), "Compute:Docker:DefaultCPU: '0' is not a positive number of cores" },
        { () => Docker(o => o.Host = "docker.sock"), "Compute:Docker:Host: 'docker.sock' is not an address" },
        { () => Compute(o => o.OrchestratorApiPort = 70000), "Compute:OrchestratorAPIPort: must be between 1 and 65535, got 70000" },
        { () => Compute(o => o.Heartbeat.Interval = TimeSpan.Zero), "Compute:Heartbeat:Interval: must be more than 0" },
        { () => Compute(o => o.Heartbeat.InfoUpdateInterval = TimeSpan.FromDays(60)), "Compute:Heartbeat:InfoUpdateInterval: must be more than 0 and at most 1.00:00:00" },
        { () => Publisher(o => o.Address = "evil.example/path?"), "Compute:Publishers:Local:Address: 'evil.example/path?' is not a host name or IP address" },
        { () => Publisher(o => o.Port = -1), "Compute:Publishers:Local:Port: must be between 0 and 65535, got -1" },
        { () => new InputSourcesOptionsValidation().Validate(null, new InputSourcesOptions { ReadTimeout = TimeSpan.FromSeconds(-1) }), "InputSources:ReadTimeout: must be more than 0" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_naming_its_key(Func<ValidateOptionsResult> validate, string message)
    {
        var result = validate();

        Assert.True(result.Failed);
        Assert.StartsWith(message, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Docker(Action<DockerOptions> change) => Validate(new DockerOptionsValidation(), change);

    private static ValidateOptionsResult Compute(Action<ComputeOptions> change) => Validate(new ComputeOptionsValidation(), change);

    private static ValidateOptionsResult Publisher(Action<LocalPublisherOptions> change) => Validate(new LocalPublisherOptionsValidation(), change);

    private static ValidateOptionsResult Validate<T>(IValidateOptions<T> validator, Action<T> change) where T : class, new()
    {
        var options = new T();
        change(options);
        return validator.Validate(null, options);
    }
}
