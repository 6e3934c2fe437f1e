using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>Bacalhau's JobDefaults and Logging keys given to a real orchestrator started with `bacalhau serve`.</summary>
public sealed class JobDefaultsTests
{
    [Fact]
    public async Task The_orchestrator_fills_in_what_a_job_leaves_out_from_the_defaults_of_its_type_and_logs_json()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        await File.WriteAllTextAsync(
            Path.Combine(dataDir, "config.yaml"),
            "JobDefaults:\n  Batch:\n    Priority: 7\n    Task:\n      Resources:\n        Memory: 64Mi\n      Timeouts:\n        ExecutionTimeout: 90s\n" +
            "      Publisher:\n        Type: local\n  Ops:\n    Priority: 3\nLogging:\n  Mode: json\n");
        var (apiPort, natsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var orchestrator = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);

        var defaulted = await SubmitAsync(dataDir, apiPort, "Type: batch\nTasks:\n  - Name: main\n    Engine: {Type: noop}\n");
        Assert.Equal(7, defaulted.GetProperty("Priority").GetInt32());
        var task = defaulted.GetProperty("Tasks")[0];
        Assert.Equal("64Mi", task.GetProperty("Resources").GetProperty("Memory").GetString());
        Assert.Equal(90, task.GetProperty("Timeouts").GetProperty("ExecutionTimeout").GetInt64());
        Assert.Equal("local", task.GetProperty("Publisher").GetProperty("Type").GetString());

        // What the job gives is kept; another type takes its own defaults.
        var own = await SubmitAsync(dataDir, apiPort, "Type: batch\nPriority: 2\nTasks:\n  - Name: main\n    Engine: {Type: noop}\n    Resources: {Memory: 1Gi}\n    Publisher: {Type: noop}\n");
        Assert.Equal(2, own.GetProperty("Priority").GetInt32());
        Assert.Equal("1Gi", own.GetProperty("Tasks")[0].GetProperty("Resources").GetProperty("Memory").GetString());
        Assert.Equal("noop", own.GetProperty("Tasks")[0].GetProperty("Publisher").GetProperty("Type").GetString());
        var ops = await SubmitAsync(dataDir, apiPort, "Type: ops\nTasks:\n  - Name: main\n    Engine: {Type: noop}\n");
        Assert.Equal(3, ops.GetProperty("Priority").GetInt32());
        Assert.Equal("", ops.GetProperty("Tasks")[0].GetProperty("Resources").GetProperty("Memory").GetString());

        // Logging.Mode=json: the node's log lines are JSON objects.
        var logLine = orchestrator.Stdout.Split('\n').First(l => l.StartsWith('{'));
        using var log = JsonDocument.Parse(logLine);
        Assert.True(log.RootElement.TryGetProperty("LogLevel", out _), logLine);
    }

    private static async Task<JsonElement> SubmitAsync(string dataDir, int apiPort, string spec)
    {
        var path = Path.Combine(dataDir, $"job-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, spec);
        var run = await CliProcess.RunAsync(dataDir, "job", "run", path, "--id-only", "--wait=false", "--api-port", $"{apiPort}");
        Assert.True(run.ExitCode == 0, run.ToString());
        var describe = await CliProcess.RunAsync(dataDir, "job", "describe", run.Stdout.Trim(), "--output", "json", "--api-port", $"{apiPort}");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        using var described = JsonDocument.Parse(describe.Stdout);
        return described.RootElement.GetProperty("Job").Clone();
    }
}
