using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.IntegrationTests.Jobs;

namespace Bacalhau.IntegrationTests.Telemetry;

/// <summary>
/// What the services export over OTLP, received as the dashboard would receive it: the meters' names and values after
/// a few jobs, and no spans at all while nothing happens.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class TelemetryExportTests(ClusterFixture cluster)
{
    private const string Orchestrator = "orchestrator";
    private const string Compute = "compute";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_few_jobs_are_counted_timed_and_gauged_in_the_exported_metrics()
    {
        await cluster.WaitForReplicasAsync();
        // Every service has exported once, so what other tests counted before is in the baseline.
        await WaitForExportsAsync(1);
        var before = Snapshot();
        var startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

        const int Jobs = 3;
        var quick = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            quick.Add((await cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch))).JobID);
        }

        // Long enough to be seen running by a gauge read each second.
        var slow = (await cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch, durationSeconds: 4))).JobID;
        await Eventually.WaitAsync(
            () => Task.FromResult(cluster.Otlp.Points(Compute, "bacalhau.compute.executions.running")
                .FirstOrDefault(p => p.TimeUnixNano > startedAt && p.Value >= 1 && p.Attributes.GetValueOrDefault("bacalhau.engine") == "noop")),
            Timeout,
            "the running gauge to show the noop execution");
        foreach (var job in quick.Append(slow))
        {
            await cluster.WaitForJobAsync(job, JobStateType.Completed, Timeout);
        }

        await foreach (var _ in new BacalhauClient(cluster.Api).StreamLogsAsync(quick[0]))
        {
            // The noop engine prints nothing; the batch that ends the stream is still streamed.
        }

        var after = await Eventually.WaitAsync(
            () =>
            {
                var now = Snapshot();
                var counted = now.Submitted >= before.Submitted + Jobs + 1
                              && now.Completed >= before.Completed + Jobs + 1
                              && now.Executions >= before.Executions + Jobs + 1
                              && now.BidsAccepted >= before.BidsAccepted + Jobs + 1
                              && now.Commits > before.Commits
                              && now.LogBytes > before.LogBytes
                              // The slow job took its four seconds; the compute node exports them on its own beat.
                              && now.ExecutionSeconds - before.ExecutionSeconds >= 4;
                return Task.FromResult(counted ? now : null);
            },
            Timeout,
            "the jobs to be counted in the exported metrics");

        Assert.True(after.SubmitToCompleted >= before.SubmitToCompleted + Jobs + 1);
        Assert.True(after.SubmitToRunning >= before.SubmitToRunning + Jobs + 1);
        Assert.All(cluster.Otlp.Points(Orchestrator, "bacalhau.jobs.submitted"), p => Assert.Contains("bacalhau.job.type", p.Attributes.Keys));
        Assert.Contains(cluster.Otlp.Points(Orchestrator, "bacalhau.jobs.submitted"), p => p.Attributes["bacalhau.job.type"] == JobTypes.Batch);
        // No completed job took less than nothing.
        Assert.Contains(cluster.Otlp.Points(Compute, "bacalhau.compute.execution.duration"), p => p.Attributes.GetValueOrDefault("outcome") == "completed");

        // Gauges read at export: the replicas connected; the queue and the outbox counted. Their values are the shared
        // cluster's, which other tests leave with queued work and unacknowledged messages to nodes they rejected.
        var replicas = (await cluster.WaitForReplicasAsync()).Count;
        await Eventually.WaitAsync(
            () => Task.FromResult(
                Latest(Orchestrator, "bacalhau.nodes.connection", "bacalhau.node.connection", "connected") >= replicas
                && Latest(Orchestrator, "bacalhau.jobs.queue_depth") >= 0
                && Latest(Orchestrator, "bacalhau.outbox.depth") >= 0 ? "settled" : null),
            Timeout,
            "the gauges to show the connected replicas, the queue and the outbox");
        Assert.InRange(cluster.Otlp.Points(Orchestrator, "bacalhau.store.commit.duration").Max(p => p.Sum), 0, double.MaxValue);
    }

    /// <summary>
    /// Heartbeats, the scheduler's tick and the other periodic work of an idle cluster (four nodes beating twice a second)
    /// make no spans, so a job's trace is not buried under them in the dashboard.
    /// </summary>
    [Fact]
    public async Task An_idle_cluster_exports_no_spans()
    {
        await cluster.WaitForReplicasAsync();
        List<CollectedSpan> arrived = [];
        try
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    // A quiet stretch of three metric exports (each a second apart) of every service, during which the span
                    // exporters (every 200 ms) would have sent anything recorded. Work left by an earlier test may end first.
                    var seen = cluster.Otlp.Spans.Count;
                    await WaitForExportsAsync(3);
                    arrived = [.. cluster.Otlp.Spans.Skip(seen)];
                    return arrived.Count == 0 ? "quiet" : null;
                },
                Timeout,
                "three metric exports without a span");
        }
        catch (TimeoutException)
        {
            Assert.Fail("spans kept arriving from the idle cluster, the last few seconds: "
                        + string.Join(", ", arrived.CountBy(s => $"{s.Service}: {s.Name}").Select(c => $"{c.Key} ({c.Value})")));
        }
    }

    private async Task WaitForExportsAsync(int count)
    {
        var orchestrator = cluster.Otlp.MetricExports(Orchestrator) + count;
        var compute = cluster.Otlp.MetricExports(Compute) + count;
        await Eventually.WaitAsync(
            () => Task.FromResult(cluster.Otlp.MetricExports(Orchestrator) >= orchestrator && cluster.Otlp.MetricExports(Compute) >= compute ? "exported" : null),
            Timeout,
            $"{count} metric export(s) of the orchestrator and the compute nodes");
    }

    private Counts Snapshot() => new(
        cluster.Otlp.Total(Orchestrator, "bacalhau.jobs.submitted"),
        cluster.Otlp.Total(Orchestrator, "bacalhau.jobs.completed"),
        cluster.Otlp.Total(Orchestrator, "bacalhau.jobs.submit_to_running"),
        cluster.Otlp.Total(Orchestrator, "bacalhau.jobs.submit_to_completed"),
        cluster.Otlp.Total(Orchestrator, "bacalhau.store.commit.batch_size"),
        cluster.Otlp.Total(Compute, "bacalhau.compute.execution.duration"),
        Sum(Compute, "bacalhau.compute.execution.duration"),
        cluster.Otlp.Total(Compute, "bacalhau.compute.bids", a => a.GetValueOrDefault("result") == "accepted"),
        cluster.Otlp.Total(Compute, "bacalhau.compute.logs.streamed"));

    private double Sum(string service, string metric) => cluster.Otlp.Points(service, metric).Sum(p => p.Sum);

    /// <summary>A gauge as the newest process of <paramref name="service"/> last reported it (an orchestrator may have been restarted).</summary>
    private double Latest(string service, string metric, string? tag = null, string? value = null)
    {
        var points = cluster.Otlp.Points(service, metric);
        if (points.Count == 0)
        {
            return double.NaN;
        }

        var newest = points.MaxBy(p => p.TimeUnixNano)!.Instance;
        return points.Where(p => p.Instance == newest && (tag is null || p.Attributes.GetValueOrDefault(tag) == value)).Sum(p => p.Value);
    }

    private sealed record Counts(
        double Submitted,
        double Completed,
        double SubmitToRunning,
        double SubmitToCompleted,
        double Commits,
        double Executions,
        double ExecutionSeconds,
        double BidsAccepted,
        double LogBytes);
}
