using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// Every submission of a case: the jobs the orchestrator accepted (it answered a job ID) and, for the others, why not.
/// Once the fault is over, <see cref="SettleAsync"/> follows every accepted job to its end and counts the outcome.
/// </summary>
internal sealed class JobLedger(FaultCluster cluster)
{
    public static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentQueue<string> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _refused = new();
    private int _nextClient;

    public int Accepted => _accepted.Count;

    public int RefusedCount => _refused.Values.Sum();

    public IReadOnlyDictionary<string, int> Refused => _refused;

    /// <summary>A noop job of <paramref name="count"/> executions of <paramref name="durationSeconds"/> each.</summary>
    public static JsonElement NoopJob(string name, double durationSeconds = 0.5, int count = 1) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            // The name says what the job is for; made unique, as a spec named like an earlier job would update that job.
            ["Name"] = $"{name}-{Guid.NewGuid():N}",
            ["Type"] = JobTypes.Batch,
            ["Count"] = count,
            ["Tasks"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["Name"] = "main",
                    ["Engine"] = new Dictionary<string, object> { ["Type"] = "noop", ["Params"] = new Dictionary<string, object> { ["Duration"] = durationSeconds } },
                },
            },
        });

    /// <summary>Submits <paramref name="job"/> with a bounded wait; returns its ID when accepted, else records why not.</summary>
    public async Task<string?> SubmitAsync(JsonElement job, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SubmitTimeout);
        try
        {
            var response = await NextClient().PutJobAsync(job, cancellationToken: timeout.Token);
            _accepted.Enqueue(response.JobID);
            return response.JobID;
        }
        catch (BacalhauApiException ex)
        {
            Refuse($"{(int)ex.StatusCode} {(string.IsNullOrWhiteSpace(ex.Message) ? "(empty body)" : Shorten(ex.Message))}");
        }
        catch (OrchestratorUnreachableException)
        {
            Refuse("unreachable");
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            Refuse($"no answer within {SubmitTimeout.TotalSeconds:F0} s");
        }

        return null;
    }

    /// <summary>Waits until <paramref name="count"/> jobs have been accepted in all (by a load running meanwhile).</summary>
    public Task WaitForAcceptedAsync(int count) =>
        Eventually.WaitAsync(() => Task.FromResult(Accepted >= count ? "" : null), SettleTimeout, $"{count} accepted jobs");

    /// <summary>
    /// Submits probe jobs until one is accepted and completes: the time from <paramref name="faultEnded"/> to then is
    /// how long the cluster took to serve jobs again; null when it did not within <see cref="SettleTimeout"/>.
    /// </summary>
    public async Task<TimeSpan?> RecoverAsync(Stopwatch faultEnded, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SettleTimeout);
        try
        {
            while (true)
            {
                if (await SubmitAsync(NoopJob("probe", durationSeconds: 0), timeout.Token) is { } id && await CompletesAsync(id, timeout.Token))
                {
                    return faultEnded.Elapsed;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<bool> CompletesAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var job in cluster.RunningClient.FollowJobAsync(jobId, cancellationToken))
            {
                if (job.State.StateType.IsTerminal())
                {
                    return job.State.StateType == JobStateType.Completed;
                }
            }
        }
        catch (Exception ex) when (ex is BacalhauApiException or OrchestratorUnreachableException)
        {
            // Not serving yet: the next probe.
        }

        return false;
    }

    /// <summary>
    /// Waits (bounded) until every accepted job has ended and counts them: completed, failed (by reason), lost (the
    /// orchestrator no longer knows it), never ended, and duplicated (a partition completed more than once, in the
    /// orchestrator's executions or in the compute nodes' own databases).
    /// </summary>
    public async Task<FaultTally> SettleAsync(CancellationToken cancellationToken)
    {
        var pending = new HashSet<string>(_accepted);
        var ended = new Dictionary<string, Job>();
        var lost = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SettleTimeout);
        try
        {
            while (pending.Count > 0)
            {
                foreach (var id in pending.ToList())
                {
                    try
                    {
                        var job = (await cluster.RunningClient.GetJobAsync(id, cancellationToken: timeout.Token)).Job;
                        if (job.State.StateType.IsTerminal())
                        {
                            ended[id] = job;
                            pending.Remove(id);
                        }
                    }
                    catch (BacalhauApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                    {
                        lost++;
                        pending.Remove(id);
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // What is still pending never ended.
        }

        var duplicated = new HashSet<string>();
        string? example = null;
        var declaredLost = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, _) in ended)
        {
            var executions = (await cluster.RunningClient.ListExecutionsAsync(id, cancellationToken)).Items;
            foreach (var execution in executions.Where(e => e.ComputeState.StateType == ExecutionStateType.Failed && e.ComputeState.Message.StartsWith($"node {e.NodeID} was lost", StringComparison.Ordinal)))
            {
                declaredLost[execution.ID] = execution.ModifyTime;
            }

            if (executions.Where(e => e.ComputeState.StateType == ExecutionStateType.Completed).GroupBy(e => e.PartitionIndex).Any(g => g.Count() > 1))
            {
                duplicated.Add(id);
                example ??= $"{id} per the orchestrator: " + string.Join("; ", executions.Select(e => $"{e.ID} on {e.NodeID} {e.ComputeState.StateType} {e.ComputeState.Message}"));
            }
        }

        // A run that a node finished before the orchestrator declared that node lost could not be reported in time, so
        // its partition was run again: inherent in rescheduling the work of lost nodes, and counted apart. Any other
        // second completion is a duplicate. Nodes and orchestrator share this machine's clock.
        var finishedBeforeLost = new HashSet<string>();
        var twiceOnNodes = ComputeRecords.Completions(cluster.ComputeDataDirs)
            .Where(c => ended.ContainsKey(c.JobId))
            .GroupBy(c => (c.JobId, c.Partition))
            .Where(g => g.Count() > 1);
        foreach (var partition in twiceOnNodes)
        {
            var jobId = partition.Key.JobId;
            if (partition.Count(c => !(declaredLost.TryGetValue(c.ExecutionId, out var lostAt) && c.FinishedAt <= lostAt)) > 1)
            {
                duplicated.Add(jobId);
                example ??= $"{jobId} completed twice per the compute nodes' databases";
            }
            else
            {
                finishedBeforeLost.Add(jobId);
            }
        }

        finishedBeforeLost.ExceptWith(duplicated);
        var failed = ended.Values.Where(j => j.State.StateType != JobStateType.Completed)
            .GroupBy(j => $"{j.State.StateType}: {Shorten(j.State.Message)}")
            .ToDictionary(g => g.Key, g => g.Count());
        return new FaultTally(
            Accepted,
            ended.Values.Count(j => j.State.StateType == JobStateType.Completed),
            failed,
            new Dictionary<string, int>(_refused),
            lost,
            pending.Count,
            duplicated.Count,
            finishedBeforeLost.Count,
            example);
    }

    /// <summary>Submissions go to every running orchestrator in turn, as several clients of a replicated cluster would send them.</summary>
    private BacalhauClient NextClient()
    {
        for (var tries = 0; tries < cluster.OrchestratorCount; tries++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _nextClient) % (uint)cluster.OrchestratorCount);
            if (cluster.IsRunning(index))
            {
                return cluster.Clients[index];
            }
        }

        return cluster.Client;
    }

    private void Refuse(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";
}

/// <summary>What became of a case's submissions.</summary>
internal sealed record FaultTally(
    int Accepted,
    int Completed,
    IReadOnlyDictionary<string, int> Failed,
    IReadOnlyDictionary<string, int> Refused,
    int Lost,
    int NeverEnded,
    int Duplicated,
    int FinishedBeforeNodeLost,
    string? DuplicateExample);
