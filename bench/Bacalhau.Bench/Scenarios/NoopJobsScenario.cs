using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 2: noop jobs from submit to Completed through the REST API, with 1 and 4 compute nodes, one client
/// and 64 at once. Baseline: raw NATS request/reply on the same server at the same concurrency.
/// </summary>
internal sealed class NoopJobsScenario : IScenario
{
    private const string Name = "2 noop jobs";
    private const int HighConcurrency = 64;
    private static readonly int[] ComputeNodeCounts = [1, 4];

    public int Number => 2;

    public string Title => "noop jobs end to end";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        var baseline = await MeasureBaselineAsync(nats, settings, cancellationToken);
        var figures = new List<Figure>();
        foreach (var nodes in ComputeNodeCounts)
        {
            BenchSettings.Progress($"scenario 2: cluster with {nodes} compute node(s)");
            await using var cluster = await BacalhauCluster.StartAsync(nats, nodes, cancellationToken);
            var load = new JobLoad(cluster.Client, JobLoad.NoopJob);

            BenchSettings.Progress($"scenario 2: {nodes} node(s), concurrency 1");
            var sequential = await load.RunAsync(1, settings.Window(2, 1), settings.Window(10, 4), cancellationToken);
            BenchSettings.Progress($"scenario 2: {nodes} node(s), concurrency {HighConcurrency}");
            var concurrent = await load.RunAsync(HighConcurrency, settings.Window(2, 1), settings.Window(12, 5), cancellationToken);
            figures.AddRange(Describe(nodes, sequential, concurrent, baseline));
        }

        return figures;
    }

    private static async Task<NatsBaseline> MeasureBaselineAsync(NatsServer nats, BenchSettings settings, CancellationToken cancellationToken)
    {
        BenchSettings.Progress("scenario 2: NATS request/reply baseline");
        await using var probe = await NatsProbe.StartAsync(nats);
        await probe.RoundTripAsync(500, cancellationToken);
        var sequential = await probe.RequestThroughputAsync(1, settings.Window(3, 1), cancellationToken);
        var concurrent = await probe.RequestThroughputAsync(HighConcurrency, settings.Window(3, 1), cancellationToken);
        return new NatsBaseline(sequential, concurrent);
    }

    private static IEnumerable<Figure> Describe(int nodes, JobLoadResult sequential, JobLoadResult concurrent, NatsBaseline nats)
    {
        var one = nodes == 1;
        var prefix = $"{nodes} node{(one ? "" : "s")}";
        var seq = $"{prefix}, c=1";
        var con = $"{prefix}, c={HighConcurrency}";
        const string Rtt = "NATS req/reply";
        yield return Jobs(seq, sequential, nats.Sequential.PerSecond, $"{Rtt} c=1", null);
        yield return Latency($"{seq}: p50 submit→Completed (client)", sequential.Client.P50, nats.Sequential.Latencies.P50, $"{Rtt} p50", Target.AtMost(2));
        yield return Latency($"{seq}: p99 submit→Completed (client)", sequential.Client.P99, nats.Sequential.Latencies.P99, $"{Rtt} p99", Target.AtMost(50));
        yield return Latency($"{seq}: dispatch overhead p50 (server)", sequential.Server.P50, nats.Sequential.Latencies.P50, $"{Rtt} p50", Target.RatioAtMost(4))
            with { Note = "the job's create time to its Completed state, from the orchestrator's own record" };
        yield return Jobs(con, concurrent, nats.Concurrent.PerSecond, $"{Rtt} c={HighConcurrency}", one ? Target.NoLessThan(2500) : null);
        yield return Latency($"{con}: p50 submit→Completed (client)", concurrent.Client.P50, nats.Concurrent.Latencies.P50, $"{Rtt} c={HighConcurrency} p50", null);
        yield return Latency($"{con}: p99 submit→Completed (client)", concurrent.Client.P99, nats.Concurrent.Latencies.P99, $"{Rtt} c={HighConcurrency} p99", Target.AtMost(50));
        yield return Latency($"{con}: p50 submit→Completed (server)", concurrent.Server.P50, nats.Concurrent.Latencies.P50, $"{Rtt} c={HighConcurrency} p50", null);
    }

    private static Figure Jobs(string name, JobLoadResult result, double baseline, string baselineName, Target? target) => new()
    {
        Scenario = Name,
        Name = $"{name}: throughput",
        Value = result.JobsPerSecond,
        Unit = "jobs/s",
        Baseline = baseline,
        BaselineName = baselineName,
        BaselineUnit = "msgs/s",
        Target = target,
        Note = result.Failed > 0 ? $"{result.Failed} job(s) ended Failed or Stopped and are not counted" : null,
    };

    private static Figure Latency(string name, double value, double baseline, string baselineName, Target? target) => new()
    {
        Scenario = Name,
        Name = name,
        Value = value,
        Unit = "ms",
        Baseline = baseline,
        BaselineName = baselineName,
        Target = target,
    };

    private sealed record NatsBaseline((double PerSecond, Latencies Latencies) Sequential, (double PerSecond, Latencies Latencies) Concurrent);
}
