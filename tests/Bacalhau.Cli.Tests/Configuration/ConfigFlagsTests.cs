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

    [Fact]
    public void Bacalhau_s_cluster_flags_set_the_orchestrator_cluster_keys()
    {
        var flags = ConfigFlags.Parse(["--cluster-name=east", "--cluster-host", "10.0.0.1", "--cluster-port=6333", "--cluster-advertised-address=lb:6333", "--cluster-peers=nats://10.0.0.2:6222,nats://10.0.0.3:6222"]);

        Assert.Equal(
            [
                (ConfigKeys.OrchestratorClusterName, "east"), (ConfigKeys.OrchestratorClusterHost, "10.0.0.1"), (ConfigKeys.OrchestratorClusterPort, "6333"),
                (ConfigKeys.OrchestratorClusterAdvertise, "lb:6333"), (ConfigKeys.OrchestratorClusterPeers, "nats://10.0.0.2:6222,nats://10.0.0.3:6222"),
            ],
            flags);
        Assert.Equal(["nats://10.0.0.2:6222", "nats://10.0.0.3:6222"], ConfigValue.Parse(ConfigKeys.OrchestratorClusterPeers, flags[^1].Value).Items);
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
