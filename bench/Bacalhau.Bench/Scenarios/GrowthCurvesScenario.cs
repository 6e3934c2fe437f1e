using System.Text.Json;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 11: how the figures of scenario 2 grow. Noop jobs/s and p99 at c = 1, 8, 64, 256 on one compute node and
/// at c = 64 on 1, 4 and 16; then the orchestrator's RSS as jobs no node can take pile up in its queue, in MB per
/// 10,000. Curves, with no targets.
/// </summary>
internal sealed class GrowthCurvesScenario : IScenario
{
    private const string Name = "11 growth";
    private const int NodeCurveConcurrency = 64;
    private static readonly int[] Concurrencies = [1, 8, 64, 256];
    private static readonly int[] NodeCounts = [1, 4, 16];

    /// <summary>A noop job constrained to a label no node has: it waits in the queue (for its queue timeout, 5 min by default).</summary>
    private static readonly JsonElement UnplaceableJob = JsonDocument.Parse("""
        {"Type":"batch","Count":1,"Constraints":[{"Key":"bench-queue","Operator":"=","Values":["nowhere"]}],"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}
        """).RootElement;

    public int Number => 11;

    public string Title => "growth curves: concurrency, compute nodes, queued jobs";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        var figures = new List<Figure>();
        await using (var cluster = await BacalhauCluster.StartAsync(nats, NodeCounts[0], cancellationToken))
        {
            var load = new JobLoad(cluster.Client, JobLoad.NoopJob);
            foreach (var concurrency in Concurrencies)
            {
                BenchSettings.Progress($"scenario 11: 1 node, concurrency {concurrency}");
                figures.AddRange(Describe($"1 node, c={concurrency}", await RunAsync(load, concurrency, settings, cancellationToken)));
            }

            foreach (var nodes in NodeCounts.Skip(1))
            {
                await cluster.AddComputeNodesAsync(nodes - cluster.ComputeNodePids.Count(), cancellationToken);
                BenchSettings.Progress($"scenario 11: {nodes} nodes, concurrency {NodeCurveConcurrency}");
                figures.AddRange(Describe($"{nodes} nodes, c={NodeCurveConcurrency}", await RunAsync(load, NodeCurveConcurrency, settings, cancellationToken)));
            }
        }

        figures.AddRange(await MeasureQueueAsync(nats, settings, cancellationToken));
        return figures;
    }

    private static Task<JobLoadResult> RunAsync(JobLoad load, int concurrency, BenchSettings settings, CancellationToken cancellationToken) =>
        load.RunAsync(concurrency, settings.Window(1, 0.5), settings.Window(4, 1.5), cancellationToken);

    private static IEnumerable<Figure> Describe(string label, JobLoadResult result)
    {
        yield return new() { Scenario = Name, Name = $"{label}: throughput", Value = result.JobsPerSecond, Unit = "jobs/s",
            Note = result.Failed > 0 ? $"{result.Failed} job(s) ended Failed or Stopped and are not counted" : null };
        yield return new() { Scenario = Name, Name = $"{label}: p99 submit→Completed (client)", Value = result.Client.P99, Unit = "ms" };
    }

    /// <summary>RSS of a fresh orchestrator, then after each step of jobs queued in it; the slope per 10,000 jobs.</summary>
    private static async Task<IEnumerable<Figure>> MeasureQueueAsync(NatsServer nats, BenchSettings settings, CancellationToken cancellationToken)
    {
        var step = settings.Count(10_000, 2_500);
        const int Steps = 3;
        await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken);
        var figures = new List<Figure>();
        var empty = ProcessStats.ResidentBytes(cluster.OrchestratorPid) / 1e6;
        var rss = empty;
        for (var i = 1; i <= Steps; i++)
        {
            BenchSettings.Progress($"scenario 11: {i * step:N0} queued jobs");
            await JobBatch.SubmitAsync(step, 32, async () => (await cluster.Client.PutJobAsync(UnplaceableJob, cancellationToken: cancellationToken)).JobID);
            rss = ProcessStats.ResidentBytes(cluster.OrchestratorPid) / 1e6;
            figures.Add(new() { Scenario = Name, Name = $"{i * step:N0} queued jobs: orchestrator RSS", Value = rss, Unit = "MB", Baseline = empty, BaselineName = "0 queued" });
        }

        var cpu = await ProcessStats.CpuPercentAsync(cluster.OrchestratorPid, settings.Window(3, 1), cancellationToken);
        figures.Add(new() { Scenario = Name, Name = "orchestrator RSS per 10,000 queued jobs", Value = (rss - empty) / (Steps * step) * 10_000, Unit = "MB",
            Note = $"jobs constrained to a label no node has; with {Steps * step:N0} queued the orchestrator used {cpu:F0}% of a core while idle otherwise" });
        return figures;
    }
}
