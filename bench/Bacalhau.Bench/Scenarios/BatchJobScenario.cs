using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 10: one batch job of <c>Count</c> 100,000 noop tasks over 4 compute nodes, from its submission to its
/// Completed state (every partition Completed): executions per second, and the orchestrator's peak RSS meanwhile.
/// </summary>
internal sealed class BatchJobScenario : IScenario
{
    private const string Name = "10 batch job";
    private const int ComputeNodes = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(15);

    public int Number => 10;

    public string Title => "one batch job of 100,000 noop tasks";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var count = settings.Count(100_000, 10_000);
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        // Count is bounded by MaxCount (1,000 by default); this scenario alone raises it.
        var raised = new Dictionary<string, string> { ["Orchestrator__Scheduler__MaxCount"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var cluster = await BacalhauCluster.StartAsync(nats, ComputeNodes, cancellationToken, raised);

        BenchSettings.Progress($"scenario 10: one job of {count:N0} noop tasks on {ComputeNodes} compute nodes");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        Job job;
        TimeSpan elapsed;
        double peakMegabytes;
        await using (var memory = PeakResidentMemory.Watch(cluster.OrchestratorPid))
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var submitted = await cluster.Client.PutJobAsync(Spec(count), cancellationToken: deadline.Token);
                job = await JobLoad.FinishedAsync(cluster.Client, submitted.JobID, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the job of {count:N0} tasks did not end within {Deadline.TotalMinutes:F0} min");
            }

            elapsed = Stopwatch.GetElapsedTime(started);
            peakMegabytes = memory.PeakMegabytes;
        }

        if (job.State.StateType != JobStateType.Completed)
        {
            throw new InvalidOperationException($"the job of {count:N0} tasks ended {job.State.StateType}: {job.State.Message}");
        }

        var label = $"Count {count:N0}, {ComputeNodes} nodes";
        var note = $"submit to Completed in {elapsed.TotalSeconds:F1} s";
        return
        [
            new() { Scenario = Name, Name = $"{label}: executions submit→Completed", Value = count / elapsed.TotalSeconds, Unit = "executions/s", Target = Target.NoLessThan(5000), Note = note },
            new() { Scenario = Name, Name = $"{label}: orchestrator peak RSS", Value = peakMegabytes, Unit = "MB", Target = Target.AtMost(1000),
                Note = $"sampled every {PeakResidentMemory.Interval.TotalMilliseconds:F0} ms from submit to Completed" },
        ];
    }

    /// <summary>Scenario 2's noop job with <paramref name="count"/> partitions.</summary>
    private static JsonElement Spec(int count)
    {
        var spec = JsonNode.Parse(JobLoad.NoopJob.GetRawText())!;
        spec["Count"] = count;
        return JsonDocument.Parse(spec.ToJsonString()).RootElement;
    }
}
