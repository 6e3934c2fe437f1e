using System.Diagnostics;
using System.Globalization;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.FaultTests.Infrastructure;
using Bacalhau.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

/// <summary>Three orchestrators replicating their state over a three-server NATS cluster, and the loss of their leader.</summary>
public sealed class OrchestratorFailoverTests(ITestOutputHelper output)
{
    private const int Orchestrators = 3;
    private const int ComputeNodes = 4;

    [FaultCase]
    public async Task Kill_9_of_the_leader_and_its_nats_server_under_steady_submissions_loses_no_accepted_job_and_runs_none_twice()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        await using var cluster = await FaultCluster.StartAsync(ComputeNodes, deadline.Token, orchestrators: Orchestrators);
        var leader = await cluster.WaitForLeaderAsync(deadline.Token);
        var ledger = new JobLedger(cluster);
        await using var load = SteadyLoad.Start(ledger, TimeSpan.FromMilliseconds(50), jobSeconds: 1, deadline.Token);
        await ledger.WaitForAcceptedAsync(40);
        // Batch jobs of several partitions are in flight too: none of their partitions may complete twice.
        var batches = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ledger.SubmitAsync(JobLedger.NoopJob("batch", durationSeconds: 2, count: 4), deadline.Token)));

        // The leader's machine goes down: its orchestrator and the NATS server it ran.
        await cluster.KillOrchestratorAsync(leader);
        await cluster.KillNatsAsync(leader);
        var faultEnded = Stopwatch.StartNew();
        var newLeader = await cluster.WaitForLeaderAsync(deadline.Token, except: leader);
        var elected = faultEnded.Elapsed;
        var recovery = await ledger.RecoverAsync(faultEnded, deadline.Token);
        await cluster.WaitForConnectedComputeNodesAsync(ComputeNodes, deadline.Token);
        var reconnected = faultEnded.Elapsed;
        await ledger.WaitForAcceptedAsync(ledger.Accepted + 40);
        await load.StopAsync();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            leader {leader} killed with its nats-server; orchestrator {newLeader} leads {elected.TotalSeconds:F1} s later (target 10 s)
            first job completed under the new leader {recovery?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "never"} s after the kill (target 10 s)
            all {ComputeNodes} compute nodes connected to a survivor {reconnected.TotalSeconds:F1} s after the kill (target 10 s)
            """));
        Assert.True(batches.All(id => id is not null), "a batch job was refused before the fault");
        var tally = await ledger.SettleAsync(deadline.Token);
        FaultReport.Check(output, "kill -9 leader of 3 orchestrators", tally, recovery);
        Assert.Equal(tally.Accepted, tally.Completed);
    }

    [FaultCase]
    public async Task A_leader_paused_past_its_lease_steps_down_on_resuming_without_committing_anything()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(ComputeNodes, deadline.Token, orchestrators: Orchestrators);
        var leader = await cluster.WaitForLeaderAsync(deadline.Token);
        var ledger = new JobLedger(cluster);
        await using var load = SteadyLoad.Start(ledger, TimeSpan.FromMilliseconds(100), jobSeconds: 0.5, deadline.Token);
        await ledger.WaitForAcceptedAsync(20);

        cluster.PauseOrchestrator(leader);
        var paused = Stopwatch.StartNew();
        var newLeader = await cluster.WaitForLeaderAsync(deadline.Token, except: leader);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orchestrator {newLeader} took over {paused.Elapsed.TotalSeconds:F1} s after orchestrator {leader} was paused"));
        var jobsBefore = await AllJobsAsync(cluster, newLeader, deadline.Token);
        cluster.ResumeOrchestrator(leader);

        // On resuming it finds its lease gone: it stops acting, and its process starts its host anew as a follower.
        var oldLeader = cluster.Orchestrator(leader)!;
        await Eventually.WaitAsync(
            () => Task.FromResult(oldLeader.Output.Contains("lost leadership", StringComparison.OrdinalIgnoreCase) ? oldLeader.Output : null),
            TimeSpan.FromMinutes(2),
            $"orchestrator {leader} to step down");
        await WaitForRoleAsync(cluster, leader, "follower");
        output.WriteLine($"the old leader stepped down and follows:\n{Lines(oldLeader.Output, "leadership", "unhandled exception")}");
        // What it was asked meanwhile was refused (503), never answered with a 500.
        Assert.DoesNotContain("unhandled exception", oldLeader.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(oldLeader.HasExited);

        // Nothing it did after the takeover counts: the new leader's record of every job it had is unchanged by it,
        // and every job accepted anywhere ends exactly once.
        await ledger.WaitForAcceptedAsync(ledger.Accepted + 20);
        await load.StopAsync();
        var tally = await ledger.SettleAsync(deadline.Token);
        FaultReport.Check(output, "SIGSTOP leader past its lease", tally, recovery: null);
        var jobsAfter = await AllJobsAsync(cluster, newLeader, deadline.Token);
        Assert.True(jobsBefore.Keys.All(jobsAfter.ContainsKey), "a job the new leader had is gone");

        // As a follower it answers the same jobs as the leader.
        await WaitForSameJobsAsync(cluster, leader, newLeader);
        Assert.Equal("follower", (await cluster.Clients[leader].AgentNodeAsync(deadline.Token)).ClusterRole);
    }

    [FaultCase]
    public async Task A_follower_restarted_with_an_empty_data_dir_catches_up_and_answers_the_same_job_list_as_the_leader()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token, orchestrators: Orchestrators);
        var leader = await cluster.WaitForLeaderAsync(deadline.Token);
        var follower = (leader + 1) % Orchestrators;
        var ledger = new JobLedger(cluster);
        foreach (var _ in Enumerable.Range(0, 30))
        {
            await ledger.SubmitAsync(JobLedger.NoopJob("before", durationSeconds: 0), deadline.Token);
        }

        await ledger.SettleAsync(deadline.Token);
        await cluster.StopOrchestratorAsync(follower);
        cluster.ResetOrchestratorDataDir(follower);
        await cluster.StartOrchestratorAsync(follower, deadline.Token);

        await WaitForSameJobsAsync(cluster, follower, leader);
        var job = (await cluster.Clients[follower].ListJobsAsync(cancellationToken: deadline.Token)).Items[0];
        var history = await cluster.Clients[follower].ListHistoryAsync(job.ID, deadline.Token);
        Assert.NotEmpty(history.Items);
    }

    /// <summary>Waits until orchestrator <paramref name="index"/> lists the same jobs, in the same states, as <paramref name="reference"/>.</summary>
    private async Task WaitForSameJobsAsync(FaultCluster cluster, int index, int reference)
    {
        var same = await Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    var expected = await AllJobsAsync(cluster, reference, CancellationToken.None);
                    var actual = await AllJobsAsync(cluster, index, CancellationToken.None);
                    return expected.Count > 0 && expected.OrderBy(j => j.Key).SequenceEqual(actual.OrderBy(j => j.Key)) ? actual.Count.ToString(CultureInfo.InvariantCulture) : null;
                }
                catch (Bacalhau.Client.BacalhauApiException)
                {
                    return null;
                }
            },
            JobLedger.SettleTimeout,
            $"orchestrator {index} to list the same jobs as orchestrator {reference}");
        output.WriteLine($"orchestrator {index} lists the same {same} jobs as orchestrator {reference}");
    }

    /// <summary>Waits until orchestrator <paramref name="index"/>'s API answers with <paramref name="role"/>.</summary>
    private static Task<string> WaitForRoleAsync(FaultCluster cluster, int index, string role) =>
        Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    return (await cluster.Clients[index].AgentNodeAsync(CancellationToken.None)).ClusterRole == role ? role : null;
                }
                catch (Exception ex) when (ex is Bacalhau.Client.BacalhauApiException or Bacalhau.Client.OrchestratorUnreachableException or HttpRequestException or TaskCanceledException)
                {
                    // Its host is starting anew.
                    return null;
                }
            },
            JobLedger.SettleTimeout,
            $"orchestrator {index} to answer as {role}");

    /// <summary>Every job orchestrator <paramref name="index"/> lists, page by page, with its state.</summary>
    private static async Task<Dictionary<string, JobStateType>> AllJobsAsync(FaultCluster cluster, int index, CancellationToken cancellationToken)
    {
        var jobs = new Dictionary<string, JobStateType>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var page = await cluster.Clients[index].ListJobsAsync(limit: 500, nextToken: next, cancellationToken: cancellationToken);
            foreach (var job in page.Items)
            {
                jobs[job.ID] = job.State.StateType;
            }

            next = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (next is not null);
        return jobs;
    }

    /// <summary>The lines of <paramref name="text"/> that hold any of <paramref name="words"/>, and the line after each.</summary>
    private static string Lines(string text, params string[] words)
    {
        var lines = text.Split('\n');
        return string.Join('\n', lines.Select((line, i) => (line, i))
            .Where(l => words.Any(w => l.line.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .SelectMany(l => lines.Skip(l.i).Take(2)));
    }
}
