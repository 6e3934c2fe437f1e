using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Commands;

/// <summary>Every failure is one line on stderr and a non-zero exit code, never a stack trace.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-err-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task An_unknown_config_key()
    {
        var result = await CliProcess.RunAsync(_dataDir, "config", "set", "Compute.Orchestrator=127.0.0.1:4222");

        AssertOneErrorLine(result, "Error: unknown config key 'Compute.Orchestrator'; see `bacalhau config list`");
        Assert.False(File.Exists(Path.Combine(_dataDir, "config.yaml")));
    }

    [Fact]
    public async Task A_bad_config_value()
    {
        var result = await CliProcess.RunAsync(_dataDir, "config", "set", "API.Port", "http");

        AssertOneErrorLine(result, "Error: invalid value 'http' for API.Port: expected a port number (1-65535)");
    }

    [Fact]
    public async Task An_unknown_flag()
    {
        var result = await CliProcess.RunAsync(_dataDir, "node", "list", "--bogus");

        AssertOneErrorLine(result, "Error: Unrecognized command or argument '--bogus'");
    }

    [Fact]
    public async Task An_unknown_config_flag_of_serve()
    {
        var result = await CliProcess.RunAsync(_dataDir, "serve", "--compute", "--Compute.Orchestrator=127.0.0.1:4222");

        AssertOneErrorLine(result, "Error: unknown flag '--Compute.Orchestrator'");
    }

    [Fact]
    public async Task An_unreachable_orchestrator()
    {
        var port = LocalCluster.FreePort();

        var result = await CliProcess.RunAsync(_dataDir, "node", "list", "--api-port", $"{port}");

        AssertOneErrorLine(result, $"Error: cannot reach the orchestrator at http://127.0.0.1:{port}: is `bacalhau serve` running?");
    }

    [Fact]
    public async Task A_missing_job_spec()
    {
        var result = await CliProcess.RunAsync(_dataDir, "job", "run", "missing.yaml");

        AssertOneErrorLine(result, "Error: job spec 'missing.yaml' not found");
    }

    [Theory]
    [InlineData("Compute.AllocatedCapacity.CPU=abc", "Error: invalid value for Compute.AllocatedCapacity.CPU: 'abc' is not a number of cores")]
    [InlineData("Compute.AllocatedCapacity.Memory=120%", "Error: invalid value for Compute.AllocatedCapacity.Memory: '120%' is not a size")]
    [InlineData("Logging.Level=loud", "Error: invalid value 'loud' for Logging.Level: expected one of trace, debug, info, warn, error, fatal")]
    [InlineData("JobDefaults.Batch.Task.Resources.Memory=lots", "Error: invalid value 'lots' for JobDefaults.Batch.Task.Resources.Memory: expected a size")]
    public async Task A_bad_value_of_a_Bacalhau_node_setting_given_to_serve(string flag, string expected)
    {
        var result = await CliProcess.RunAsync(_dataDir, "serve", "--compute", $"--{flag}");

        AssertOneErrorLine(result, expected);
    }

    [Fact]
    public async Task A_key_Bacalhau_knows_and_this_node_does_not_apply_is_set_with_a_warning()
    {
        var result = await CliProcess.RunAsync(_dataDir, "config", "set", "WebUI.Backend=http://127.0.0.1:1234");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Warning: config key 'WebUI.Backend' is Bacalhau's and is not applied by this node; it is ignored", result.Stderr.Trim());
        Assert.Contains("Backend: \"http://127.0.0.1:1234\"", await File.ReadAllTextAsync(Path.Combine(_dataDir, "config.yaml")), StringComparison.Ordinal);

        // Read back from the file by any later command, it warns again, and a typo in the file is an error naming it.
        var get = await CliProcess.RunAsync(_dataDir, "config", "get", "API.Port");
        Assert.Equal(("1234", "Warning: config key 'WebUI.Backend' is Bacalhau's and is not applied by this node; it is ignored"), (get.Stdout.Trim(), get.Stderr.Trim()));
        await File.AppendAllTextAsync(Path.Combine(_dataDir, "config.yaml"), "Compute:\n  Orchestratorz: [a:1]\n");
        AssertOneErrorLine(await CliProcess.RunAsync(_dataDir, "config", "get", "API.Port"), $"Error: config file '{Path.Combine(_dataDir, "config.yaml")}': unknown config key 'Compute.Orchestratorz'");
    }

    private static void AssertOneErrorLine(CliResult result, string expectedStart)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
    }
}
