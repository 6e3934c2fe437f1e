using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 5: the orchestrator restarted over 100,000 completed jobs: its RSS and the latency of a page of the
/// job list API (the newest 100, as <c>job list</c> shows them). Baseline: the same with an empty store.
/// </summary>
internal sealed class JobStoreScenario : IScenario
{
    private const string Name = "5 stored jobs";
    private const string PagePath = "api/v1/orchestrator/jobs?limit=100&reverse=true";
    private const int StoredJobs = 100_000;
    private static readonly string[] Everything = ["executions", "history"];

    public int Number => 5;

    public string Title => "orchestrator with 100,000 stored jobs";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken);
        using var http = new HttpClient { BaseAddress = cluster.ApiBase, Timeout = TimeSpan.FromMinutes(1) };
        var requests = settings.Count(100, 20);

        BenchSettings.Progress("scenario 5: empty store (baseline)");
        var empty = await MeasureAsync(cluster.OrchestratorPid, http, requests, settings, cancellationToken);

        // A job the system really ran is the template of every stored one.
        var submitted = await cluster.Client.PutJobAsync(JobLoad.NoopJob, cancellationToken: cancellationToken);
        await JobLoad.FinishedAsync(cluster.Client, submitted.JobID, cancellationToken);

        var template = await cluster.Client.GetJobAsync(submitted.JobID, Everything, cancellationToken);
        await cluster.StopOrchestratorAsync();

        BenchSettings.Progress($"scenario 5: storing {StoredJobs:N0} completed jobs");
        var seeding = Stopwatch.GetTimestamp();
        await JobStoreSeeder.SeedAsync(cluster.OrchestratorDataDir, template.Job, template.Executions!.Items, template.History!.Items, StoredJobs - 1);
        var seedTime = Stopwatch.GetElapsedTime(seeding);

        BenchSettings.Progress("scenario 5: orchestrator restarting over the stored jobs");
        var restarting = Stopwatch.GetTimestamp();
        await cluster.StartOrchestratorAsync(cancellationToken);
        var restartTime = Stopwatch.GetElapsedTime(restarting);
        var full = await MeasureAsync(cluster.OrchestratorPid, http, requests, settings, cancellationToken);
        var note = $"stored through the orchestrator's SqliteJobStore in {seedTime.TotalSeconds:F1} s; the orchestrator restarted over them in {restartTime.TotalSeconds:F1} s";

        return
        [
            new() { Scenario = Name, Name = "100,000 jobs: orchestrator RSS", Value = full.ResidentMegabytes, Unit = "MB", Baseline = empty.ResidentMegabytes, BaselineName = "empty store", Target = Target.AtMost(400), Note = note },
            new() { Scenario = Name, Name = "100,000 jobs: job list page (100) p50", Value = full.Page.P50, Unit = "ms", Baseline = empty.Page.P50, BaselineName = "empty store", Target = Target.AtMost(20) },
            new() { Scenario = Name, Name = "100,000 jobs: job list page (100) p99", Value = full.Page.P99, Unit = "ms", Baseline = empty.Page.P99, BaselineName = "empty store" },
        ];
    }

    /// <summary>After a settling pause: the page's latency (whole body read, after a warm-up), then RSS.</summary>
    private static async Task<Sample> MeasureAsync(int pid, HttpClient http, int requests, BenchSettings settings, CancellationToken cancellationToken)
    {
        await Task.Delay(settings.Window(3, 2), cancellationToken);
        var latencies = new Latencies();
        for (var i = -requests / 10; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await http.GetByteArrayAsync(PagePath, cancellationToken);
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started));
            }
        }

        return new Sample(ProcessStats.ResidentBytes(pid) / 1e6, latencies);
    }

    private sealed record Sample(double ResidentMegabytes, Latencies Page);
}
