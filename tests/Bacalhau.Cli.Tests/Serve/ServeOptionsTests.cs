using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>Every setting README documents is taken by <c>bacalhau serve</c>, and a bad one stops the node at start naming its key.</summary>
public sealed class ServeOptionsTests
{
    [Fact]
    public async Task A_hybrid_node_takes_the_docker_publisher_and_scheduler_keys_and_uses_them()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(
            dataDir, "--Compute.Docker.Host=unix:///x.sock", "--Compute.Publishers.Local.Address=results.example", "--Orchestrator.Scheduler.MaxCount=2");

        // The scheduler's bound took the flag: a job asking for more executions is refused naming it.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        using var tooMany = await http.PutAsync(
            "/api/v1/orchestrator/jobs",
            new StringContent("""{"Job":{"Type":"batch","Count":3,"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("Count", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var config = await http.GetStringAsync("/api/v1/agent/config");
        Assert.Contains("unix:///x.sock", config, StringComparison.Ordinal);
        Assert.Contains("results.example", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Compute.Docker.PidsLimit=0", "Compute:Docker:PidsLimit: must be between 1 and")]
    [InlineData("--Orchestrator.Scheduler.MaxCount=0", "Orchestrator:Scheduler:MaxCount: must be between 1 and")]
    [InlineData("--Compute.Heartbeat.Interval=0s", "Compute:Heartbeat:Interval: must be more than 0")]
    [InlineData("--Compute.Publishers.Local.Address=not a host", "Compute:Publishers:Local:Address: 'not a host' is not a host name")]
    [InlineData("--Compute.Docker.Host=docker-sock", "Compute:Docker:Host: 'docker-sock' is not an address")]
    [InlineData("--Compute.Docker.PidsLimit=-3", "invalid value '-3' for Compute.Docker.PidsLimit: expected a whole number")]
    [InlineData("--Orchestrator.Scheduler.MaxCount=many", "invalid value 'many' for Orchestrator.Scheduler.MaxCount: expected a whole number")]
    public async Task A_bad_value_stops_the_node_at_start_with_one_line_naming_the_key(string flag, string message)
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var node = cluster.Serve(
            dataDir, "--orchestrator", "--compute", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1",
            "--port", $"{LocalCluster.FreePort()}", "--Orchestrator.Host=127.0.0.1", flag);

        var exitCode = await node.WaitForExitAsync(LocalCluster.StartTimeout);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Empty(LocalCluster.EmbeddedNatsServerPids(dataDir));
    }
}
