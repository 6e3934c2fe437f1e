using System.Diagnostics;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Nodes;
using Bacalhau.FaultTests.Infrastructure;
using Bacalhau.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class ComputePauseTests(ITestOutputHelper output)
{
    [FaultCase]
    public async Task A_compute_node_paused_past_the_disconnect_timeout_never_starts_the_work_queued_for_it()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token);
        var victim = SystemMetadata.Load(Path.Combine(cluster.ComputeDataDirs[0], "compute")).NodeId!;
        var ledger = new JobLedger(cluster);

        cluster.PauseComputeNode(0);
        // Until its disconnect timeout the orchestrator still counts on the paused node and queues work for it; the
        // least loaded node is preferred, so about half of these land there.
        var jobs = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            jobs.AddRange(await ledger.SubmitAsync(JobLedger.NoopJob("queued-on-a-paused-node", durationSeconds: 2), deadline.Token) is { } id ? [id] : []);
        }

        var stale = await Eventually.WaitAsync(
            async () =>
            {
                var onVictim = new List<Execution>();
                foreach (var id in jobs)
                {
                    onVictim.AddRange((await cluster.Client.ListExecutionsAsync(id, deadline.Token)).Items.Where(e => e.NodeID == victim));
                }

                return onVictim.Count > 0 && onVictim.All(e => e.ComputeState.StateType.IsTerminal()) ? onVictim : null;
            },
            JobLedger.SettleTimeout,
            "the executions queued for the paused node to be failed as lost");
        Assert.All(stale, e => Assert.Contains("was lost", e.ComputeState.Message));

        cluster.ResumeComputeNode(0);
        var resumed = Stopwatch.StartNew();
        // The node now reads what was queued for it while it was stopped, then the cancels behind it.
        var recorded = await Eventually.WaitAsync(
            () =>
            {
                var known = ComputeRecords.Executions(cluster.ComputeDataDirs[0]).ToDictionary(e => e.ID);
                return Task.FromResult(stale.All(e => known.ContainsKey(e.ID)) ? known : null);
            },
            JobLedger.SettleTimeout,
            "the resumed node to take the messages queued for it");
        var recovery = await ledger.RecoverAsync(resumed, deadline.Token);
        await cluster.WaitForConnectedComputeNodesAsync(2, deadline.Token);

        output.WriteLine($"{stale.Count} execution(s) were queued for the paused node; on it they ended: "
            + string.Join(", ", stale.Select(e => $"{recorded[e.ID].ComputeState.StateType} ({recorded[e.ID].ComputeState.Message})").Distinct()));
        // Declined, never started: each of those tasks ran once, on the other node.
        Assert.All(stale.Select(e => recorded[e.ID].ComputeState.StateType), state => Assert.Equal(ExecutionStateType.BidRejected, state));
        FaultReport.Check(output, "SIGSTOP compute node past the disconnect timeout (5 s)", await ledger.SettleAsync(deadline.Token), recovery);
    }
}
