using Bacalhau.Cli.Configuration;

namespace Bacalhau.Cli.Tests.Configuration;

public sealed class ConfigFlagsTests
{
    [Fact]
    public void Config_keys_are_accepted_as_flags_in_both_forms()
    {
        var flags = ConfigFlags.Parse(["--Compute.Orchestrators=tok@127.0.0.1:4222", "--orchestrator.auth.token", "x", "--Compute.Enabled"]);

        Assert.Equal(
            [(ConfigKeys.ComputeOrchestrators, "tok@127.0.0.1:4222"), (ConfigKeys.OrchestratorAuthToken, "x"), (ConfigKeys.ComputeEnabled, "true")],
            flags);
    }

    [Theory]
    [InlineData("--Compute.Orchestrator=x", "unknown flag '--Compute.Orchestrator'")]
    [InlineData("stray", "unexpected argument 'stray'")]
    [InlineData("--Compute.Auth.Token", "flag '--Compute.Auth.Token' needs a value")]
    public void Anything_else_is_refused(string token, string message)
    {
        var error = Assert.Throws<CliException>(() => ConfigFlags.Parse([token]));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
