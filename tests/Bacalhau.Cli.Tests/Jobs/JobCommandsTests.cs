using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>The job commands against a real hybrid node started with `bacalhau serve --orchestrator --compute`.</summary>
public sealed class JobCommandsTests
{
    [Fact]
    public async Task Job_run_waits_for_completion_and_the_job_commands_describe_it()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir);
        var api = new[] { "--api-port", $"{apiPort}" };
        var spec = Path.Combine(dataDir, "noop.yaml");
        await File.WriteAllTextAsync(spec, "name: cli noop\ntype: batch\ncount: 1\ntasks:\n  - name: main\n    engine:\n      type: noop\n");

        var run = await CliProcess.RunAsync(dataDir, ["job", "run", spec, .. api]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Completed", run.Stdout, StringComparison.Ordinal);
        var jobId = run.Stdout.Split("Job ID: ")[1].Split('\n')[0].Trim();

        var list = await CliProcess.RunAsync(dataDir, ["job", "list", "--output", "json", .. api]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(jobId, list.Stdout, StringComparison.Ordinal);

        var describe = await CliProcess.RunAsync(dataDir, ["job", "describe", jobId, "--output", "json", .. api]);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        using var described = JsonDocument.Parse(describe.Stdout);
        Assert.Equal("Completed", described.RootElement.GetProperty("Job").GetProperty("State").GetProperty("StateType").GetString());

        var executions = await CliProcess.RunAsync(dataDir, ["job", "executions", jobId, .. api]);
        Assert.True(executions.ExitCode == 0, executions.ToString());
        Assert.Contains(LocalCluster.ComputeNodeId(dataDir), executions.Stdout, StringComparison.Ordinal);

        var config = await CliProcess.RunAsync(dataDir, ["agent", "config", "--output", "json", .. api]);
        Assert.True(config.ExitCode == 0, config.ToString());
        var token = (await CliProcess.RunAsync(dataDir, "config", "get", "Orchestrator.Auth.Token")).Stdout.Trim();
        Assert.NotEmpty(token);
        using var agentConfig = JsonDocument.Parse(config.Stdout);
        Assert.Equal("<redacted>", agentConfig.RootElement.GetProperty("Orchestrator").GetProperty("Auth").GetProperty("Token").GetString());
        Assert.DoesNotContain(token, config.Stdout, StringComparison.Ordinal);

        var stop = await CliProcess.RunAsync(dataDir, ["job", "stop", jobId, .. api]);
        Assert.NotEqual(0, stop.ExitCode);
        Assert.Contains("already Completed", stop.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_with_an_unknown_engine_is_refused_in_one_line_naming_it()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, apiPort, _) = await cluster.StartOrchestratorAsync();
        var spec = Path.Combine(dataDir, "custom.yaml");
        await File.WriteAllTextAsync(spec, "Type: batch\nTasks:\n  - Name: main\n    Engine:\n      Type: flibble\n");

        var run = await CliProcess.RunAsync(dataDir, "job", "run", spec, "--api-port", $"{apiPort}");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("flibble", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
