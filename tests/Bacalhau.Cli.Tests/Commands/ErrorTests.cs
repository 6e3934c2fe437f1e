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

    private static void AssertOneErrorLine(CliResult result, string expectedStart)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
    }
}
