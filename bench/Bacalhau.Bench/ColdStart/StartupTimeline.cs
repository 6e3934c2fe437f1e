using System.Diagnostics;
using Bacalhau.Bench.Jobs;
using Bacalhau.Client;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.ColdStart;

/// <summary>When each phase of a cold start was reached, from the launch of the command, in milliseconds.</summary>
internal sealed record StartupPhases(double ApiAnswers, double NodesConnected, double? FirstJobCompleted)
{
    /// <summary>The processes the start went through, read once it was up.</summary>
    public IReadOnlyList<LaunchPhase> Launches { get; init; } = [];
}

/// <summary>
/// Follows a starting cluster through its REST API, polling every <see cref="Interval"/> (the resolution of the
/// phases): its API answers, then enough compute nodes are connected, then (when asked) a noop job completes.
/// </summary>
internal static class StartupTimeline
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<StartupPhases> FollowAsync(ChildProcess process, long launchedAt, Uri api, int computeNodes, bool runJob, CancellationToken cancellationToken)
    {
        var client = BacalhauClient.Create(api, TimeSpan.FromSeconds(30));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var apiAnswers = await UntilAsync(process, launchedAt, async () =>
        {
            await client.AliveAsync(timeout.Token);
            return true;
        }, timeout.Token);
        var connected = await UntilAsync(process, launchedAt, async () =>
            (await client.ListNodesAsync(timeout.Token)).Nodes.Count(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected) >= computeNodes,
            timeout.Token);
        if (!runJob)
        {
            return new StartupPhases(apiAnswers, connected, null);
        }

        var job = await JobLoad.FinishedAsync(client, (await client.PutJobAsync(JobLoad.NoopJob, cancellationToken: timeout.Token)).JobID, timeout.Token);
        return job.State.StateType == JobStateType.Completed
            ? new StartupPhases(apiAnswers, connected, Stopwatch.GetElapsedTime(launchedAt).TotalMilliseconds)
            : throw new InvalidOperationException($"the first job ended {job.State.StateType}: {job.State.Message}");
    }

    private static async Task<double> UntilAsync(ChildProcess process, long launchedAt, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return Stopwatch.GetElapsedTime(launchedAt).TotalMilliseconds;
                }
            }
            catch (Exception ex) when (ex is OrchestratorUnreachableException or BacalhauApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not up yet.
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"the process exited while starting:\n{process.Output}");
            }

            try
            {
                await Task.Delay(Interval, cancellationToken);
            }
            catch (OperationCanceledException) when (!process.HasExited)
            {
                throw new TimeoutException($"timed out after {Timeout.TotalMinutes:F0} min waiting for the start; output so far:\n{process.Output}");
            }
        }
    }
}
