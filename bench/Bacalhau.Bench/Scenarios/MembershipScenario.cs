using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using Bacalhau.Bench.Membership;
using Bacalhau.Compute;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 3: 1,000 then 10,000 simulated compute nodes heartbeating at the default interval to one orchestrator:
/// its CPU (percent of one core over a window) and RSS, the latency of the node list API, and the time the web UI's
/// node list page takes to show its first page. Baseline: the same orchestrator idle, with no node.
/// </summary>
internal sealed class MembershipScenario : IScenario
{
    private const string Name = "3 membership";
    private const string NodesPath = "api/v1/orchestrator/nodes";
    private static readonly int[] FleetSizes = [1_000, 10_000];

    public int Number => 3;

    public string Title => "membership scale";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var heartbeat = new ComputeOptions().Heartbeat;
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        await using var cluster = await BacalhauCluster.StartAsync(nats, 0, cancellationToken);
        using var http = new HttpClient { BaseAddress = cluster.ApiBase, Timeout = TimeSpan.FromMinutes(1) };

        BenchSettings.Progress("scenario 3: idle orchestrator (baseline)");
        await Task.Delay(settings.Window(5, 2), cancellationToken);
        var idle = await MeasureAsync(cluster.OrchestratorPid, http, settings.Window(10, 5), settings.Count(20, 5), cancellationToken);
        var idlePage = NodeListPage.Measure(cluster.ApiBase, settings.Count(10, 3));

        var figures = new List<Figure>();
        await using var fleet = new SimulatedFleet(nats, heartbeat.Interval, heartbeat.InfoUpdateInterval);
        foreach (var size in FleetSizes)
        {
            BenchSettings.Progress($"scenario 3: {size} simulated nodes joining");
            var (before, joining) = (fleet.Count, Stopwatch.GetTimestamp());
            await fleet.GrowToAsync(size, cancellationToken);
            var joinTime = Stopwatch.GetElapsedTime(joining);
            await Task.Delay(settings.Window(5, 2), cancellationToken);
            BenchSettings.Progress($"scenario 3: {size} simulated nodes heartbeating every {heartbeat.Interval.TotalSeconds:F0} s");
            var (beats, failures) = (fleet.Heartbeats, fleet.Failures);
            var loaded = await MeasureAsync(cluster.OrchestratorPid, http, settings.Window(30, 15), settings.Count(20, 5), cancellationToken);
            var note = $"{fleet.Heartbeats - beats} heartbeats answered in the CPU window, {fleet.Failures - failures} requests failed; {size - before} nodes joined in {joinTime.TotalSeconds:F1} s";
            var targeted = size == FleetSizes[^1];
            var label = $"{size:N0} nodes";
            figures.Add(new() { Scenario = Name, Name = $"{label}: orchestrator CPU", Value = loaded.CpuPercent, Unit = "% of a core", Baseline = idle.CpuPercent, BaselineName = "idle, 0 nodes", Target = targeted ? Target.AtMost(25) : null, Note = note });
            figures.Add(new() { Scenario = Name, Name = $"{label}: orchestrator RSS", Value = loaded.ResidentMegabytes, Unit = "MB", Baseline = idle.ResidentMegabytes, BaselineName = "idle, 0 nodes", Target = targeted ? Target.AtMost(500) : null });
            figures.Add(new() { Scenario = Name, Name = $"{label}: node list p50", Value = loaded.NodeList.P50, Unit = "ms", Baseline = idle.NodeList.P50, BaselineName = "idle, 0 nodes", Target = targeted ? Target.AtMost(50) : null, Note = $"the first list after the CPU window (every node changed since the list before): {loaded.FirstList.TotalMilliseconds:F1} ms" });
        }

        BenchSettings.Progress($"scenario 3: the web UI's node list in headless Chromium with {fleet.Count} nodes");
        figures.Add(NodeListPageFigure($"{fleet.Count:N0} nodes: web UI node list rendered", idlePage, NodeListPage.Measure(cluster.ApiBase, settings.Count(10, 3))));

        return figures;
    }

    private static Figure NodeListPageFigure(string name, (Latencies? Times, string? Skipped) idle, (Latencies? Times, string? Skipped) loaded) =>
        loaded.Times is null
            ? Figure.Skip(Name, name, loaded.Skipped!)
            : new()
            {
                Scenario = Name,
                Name = name,
                Value = loaded.Times.P50,
                Unit = "ms",
                Baseline = idle.Times?.P50,
                BaselineName = "idle, 0 nodes",
                Target = Target.AtMost(1_000),
                Note = $"p50 of {loaded.Times.Count} page loads in headless Chromium, navigation start to the first frame with the first page (100 nodes) in it, by the browser's clock; slowest {loaded.Times.Percentile(100):F0} ms",
            };

    /// <summary>CPU over <paramref name="window"/> with no API traffic, then RSS, then the node list's latency (whole body read).</summary>
    private static async Task<Sample> MeasureAsync(int pid, HttpClient http, TimeSpan window, int requests, CancellationToken cancellationToken)
    {
        var cpu = await ProcessStats.CpuPercentAsync(pid, window, cancellationToken);
        var rss = ProcessStats.ResidentBytes(pid) / 1e6;
        var latencies = new Latencies();
        var first = TimeSpan.Zero;
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await http.GetByteArrayAsync(NodesPath, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            first = i == 0 ? elapsed : first;
            latencies.Add(elapsed);
        }

        return new Sample(cpu, rss, latencies, first);
    }

    private sealed record Sample(double CpuPercent, double ResidentMegabytes, Latencies NodeList, TimeSpan FirstList);
}
