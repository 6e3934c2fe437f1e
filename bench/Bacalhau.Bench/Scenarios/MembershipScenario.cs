using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using Bacalhau.Bench.Membership;
using Bacalhau.Compute;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 3: 1,000, 10,000 then 100,000 simulated compute nodes (quick: up to 10,000) heartbeating at the default
/// interval to one orchestrator: the time each size takes to join, the orchestrator's CPU (percent of one core over a
/// window) and RSS, the latency of the node list API, and the time the web UI's node list page takes to show its first
/// page. Baseline: the same orchestrator idle, with no node.
/// </summary>
internal sealed class MembershipScenario : IScenario
{
    private const string Name = "3 membership";
    private const string NodesPath = "api/v1/orchestrator/nodes";
    private const int QuickLargest = 10_000;
    private static readonly int[] FleetSizes = [1_000, 10_000, 100_000];

    /// <summary>What each size must show; a size without an entry is measured for comparison only.</summary>
    private static readonly Dictionary<int, SizeTargets> Targets = new()
    {
        [10_000] = new(null, Target.AtMost(10), Target.AtMost(500), Target.AtMost(20)),
        [100_000] = new(Target.AtMost(60), Target.AtMost(100), Target.AtMost(1_500), null),
    };

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
        foreach (var size in FleetSizes.Where(s => !settings.Quick || s <= QuickLargest))
        {
            BenchSettings.Progress($"scenario 3: {size} simulated nodes joining");
            var (before, joining) = (fleet.Count, Stopwatch.GetTimestamp());
            await fleet.GrowToAsync(size, cancellationToken);
            var joinTime = Stopwatch.GetElapsedTime(joining);
            await Task.Delay(settings.Window(5, 2), cancellationToken);
            BenchSettings.Progress($"scenario 3: {size} simulated nodes heartbeating every {heartbeat.Interval.TotalSeconds:F0} s");
            var (beats, failures, skipped) = (fleet.Heartbeats, fleet.Failures, fleet.Skipped);
            // A list of 100,000 nodes is about 100 MB: fewer of them keep the run short.
            var loaded = await MeasureAsync(cluster.OrchestratorPid, http, settings.Window(30, 15), size > QuickLargest ? settings.Count(5, 3) : settings.Count(20, 5), cancellationToken);
            var note = $"{fleet.Heartbeats - beats} heartbeats answered in the CPU window, {fleet.Failures - failures} requests failed, {fleet.Skipped - skipped} beats skipped (the previous one still waiting); the benchmark process itself used {loaded.BenchCpuPercent:F0}% of a core";
            var label = $"{size:N0} nodes";
            var targets = Targets.GetValueOrDefault(size);
            figures.Add(new() { Scenario = Name, Name = $"{label}: join time", Value = joinTime.TotalSeconds, Unit = "s", Target = targets?.JoinSeconds, Note = $"{size - before} nodes joining, {before} already heartbeating; {SimulatedFleet.JoinParallelism} handshakes at a time" });
            figures.Add(new() { Scenario = Name, Name = $"{label}: orchestrator CPU", Value = loaded.CpuPercent, Unit = "% of a core", Baseline = idle.CpuPercent, BaselineName = "idle, 0 nodes", Target = targets?.CpuPercent, Note = note });
            figures.Add(new() { Scenario = Name, Name = $"{label}: orchestrator RSS", Value = loaded.ResidentMegabytes, Unit = "MB", Baseline = idle.ResidentMegabytes, BaselineName = "idle, 0 nodes", Target = targets?.ResidentMegabytes });
            figures.Add(new() { Scenario = Name, Name = $"{label}: node list p50", Value = loaded.NodeList.P50, Unit = "ms", Baseline = idle.NodeList.P50, BaselineName = "idle, 0 nodes", Target = targets?.NodeListMilliseconds, Note = $"the first list after the CPU window (every node changed since the list before): {loaded.FirstList.TotalMilliseconds:F1} ms" });
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

    /// <summary>CPU over <paramref name="window"/> with no API traffic (the orchestrator's and the benchmark's own), then RSS, then the node list's latency (whole body read).</summary>
    private static async Task<Sample> MeasureAsync(int pid, HttpClient http, TimeSpan window, int requests, CancellationToken cancellationToken)
    {
        var benchCpu = ProcessStats.CpuTime(Environment.ProcessId);
        var cpu = await ProcessStats.CpuPercentAsync(pid, window, cancellationToken);
        var benchPercent = 100 * (ProcessStats.CpuTime(Environment.ProcessId) - benchCpu) / window;
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

        return new Sample(cpu, rss, latencies, first, benchPercent);
    }

    private sealed record SizeTargets(Target? JoinSeconds, Target? CpuPercent, Target? ResidentMegabytes, Target? NodeListMilliseconds);

    /// <summary>A measurement; the benchmark's own CPU is there because the simulated fleet shares the machine's cores with what it measures.</summary>
    private sealed record Sample(double CpuPercent, double ResidentMegabytes, Latencies NodeList, TimeSpan FirstList, double BenchCpuPercent);
}
