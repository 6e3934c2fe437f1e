using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;
using Bacalhau.Client;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 6: noop jobs through three orchestrators that replicate their state in JetStream (over three routed NATS
/// servers), submitted to the leader, beside one orchestrator on embedded SQLite in the same run; then the leader's
/// orchestrator and NATS server are killed, and the time to the first job completed under the new leader is measured.
/// </summary>
internal sealed class ReplicatedOrchestratorsScenario : IScenario
{
    private const string Name = "6 replicated orchestrators";
    private const int HighConcurrency = 64;
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromMinutes(2);

    public int Number => 6;

    public string Title => "three replicated orchestrators beside one";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        BenchSettings.Progress("scenario 6: one orchestrator");
        var single = await MeasureAsync(orchestrators: 1, settings, cancellationToken);
        BenchSettings.Progress("scenario 6: three orchestrators");
        var replicated = await MeasureAsync(orchestrators: 3, settings, cancellationToken);
        return
        [
            Throughput("c=1", replicated.Sequential, single.Sequential),
            Latency("c=1: p50 submit→Completed (client)", replicated.Sequential.Client.P50, single.Sequential.Client.P50),
            Latency("c=1: p99 submit→Completed (client)", replicated.Sequential.Client.P99, single.Sequential.Client.P99),
            Throughput($"c={HighConcurrency}", replicated.Concurrent, single.Concurrent),
            Latency($"c={HighConcurrency}: p50 submit→Completed (client)", replicated.Concurrent.Client.P50, single.Concurrent.Client.P50),
            Latency($"c={HighConcurrency}: p99 submit→Completed (client)", replicated.Concurrent.Client.P99, single.Concurrent.Client.P99),
            replicated.Failover is { } failover
                ? new Figure
                {
                    Scenario = Name,
                    Name = "kill -9 of the leader (and its NATS server) to the first job completed by the new leader",
                    Value = failover.TotalMilliseconds,
                    Unit = "ms",
                    Target = Target.AtMost(10_000),
                }
                : Figure.Skip(Name, "failover", $"no job completed within {FailoverTimeout.TotalSeconds:F0} s of killing the leader"),
        ];
    }

    private static async Task<Measured> MeasureAsync(int orchestrators, BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var nats = await NatsServer.StartAsync(cancellationToken, orchestrators);
        await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken);
        var leader = orchestrators == 1 ? 0 : await LeaderAsync(cluster, except: null, cancellationToken);
        var load = new JobLoad(cluster.Clients[leader], JobLoad.NoopJob);
        var sequential = await load.RunAsync(1, settings.Window(2, 1), settings.Window(10, 4), cancellationToken);
        var concurrent = await load.RunAsync(HighConcurrency, settings.Window(2, 1), settings.Window(12, 5), cancellationToken);
        if (orchestrators == 1)
        {
            return new Measured(sequential, concurrent, null);
        }

        BenchSettings.Progress("scenario 6: kill -9 of the leader");
        await cluster.KillOrchestratorAsync(leader);
        await nats.KillAsync(leader);
        var killed = Stopwatch.StartNew();
        return new Measured(sequential, concurrent, await FirstCompletedAsync(cluster, leader, killed, cancellationToken));
    }

    /// <summary>Submits noop jobs to a survivor until one completes: the time since the kill, or null when none did in time.</summary>
    private static async Task<TimeSpan?> FirstCompletedAsync(BacalhauCluster cluster, int killed, Stopwatch since, CancellationToken cancellationToken)
    {
        var survivor = cluster.Clients[(killed + 1) % cluster.Clients.Count];
        while (since.Elapsed < FailoverTimeout)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(10));
                var submitted = await survivor.PutJobAsync(JobLoad.NoopJob, cancellationToken: attempt.Token);
                if ((await JobLoad.FinishedAsync(survivor, submitted.JobID, attempt.Token)).State.StateType == Contracts.Models.Jobs.JobStateType.Completed)
                {
                    return since.Elapsed;
                }
            }
            catch (Exception ex) when (ex is BacalhauApiException or OrchestratorUnreachableException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No leader yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return null;
    }

    private static async Task<int> LeaderAsync(BacalhauCluster cluster, int? except, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < FailoverTimeout)
        {
            for (var i = 0; i < cluster.Clients.Count; i++)
            {
                try
                {
                    if (i != except && (await cluster.Clients[i].AgentNodeAsync(cancellationToken)).ClusterRole == "leader")
                    {
                        return i;
                    }
                }
                catch (Exception ex) when (ex is BacalhauApiException or OrchestratorUnreachableException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    // Not answering.
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"no orchestrator led within {FailoverTimeout.TotalSeconds:F0} s");
    }

    private static Figure Throughput(string name, JobLoadResult replicated, JobLoadResult single) => new()
    {
        Scenario = Name,
        Name = $"3 orchestrators, 1 node, {name}: throughput",
        Value = replicated.JobsPerSecond,
        Unit = "jobs/s",
        Baseline = single.JobsPerSecond,
        BaselineName = $"1 orchestrator {name}",
        Note = replicated.Failed > 0 ? $"{replicated.Failed} job(s) ended Failed or Stopped and are not counted" : null,
    };

    private static Figure Latency(string name, double replicated, double single) => new()
    {
        Scenario = Name,
        Name = $"3 orchestrators, 1 node, {name}",
        Value = replicated,
        Unit = "ms",
        Baseline = single,
        BaselineName = "1 orchestrator",
    };

    private sealed record Measured(JobLoadResult Sequential, JobLoadResult Concurrent, TimeSpan? Failover);
}
