using System.Diagnostics;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.FaultTests.Infrastructure;
using Bacalhau.Identity.Nodes;
using Bacalhau.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class ComputeCrashTests(ITestOutputHelper output)
{
    [FaultCase]
    public async Task Kill_9_of_a_compute_node_mid_job_runs_no_job_twice_and_loses_none()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token);
        var victim = SystemMetadata.Load(Path.Combine(cluster.ComputeDataDirs[0], "compute")).NodeId!;
        var ledger = new JobLedger(cluster);
        var jobs = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            jobs.AddRange(await ledger.SubmitAsync(JobLedger.NoopJob("mid-job", durationSeconds: 3), deadline.Token) is { } id ? [id] : []);
        }

        var onVictim = await Eventually.WaitAsync(
            async () =>
            {
                var running = new List<string>();
                foreach (var id in jobs)
                {
                    var executions = await cluster.Client.ListExecutionsAsync(id, deadline.Token);
                    if (executions.Items.Any(e => e.NodeID == victim && e.ComputeState.StateType == ExecutionStateType.Running))
                    {
                        running.Add(id);
                    }
                }

                return running.Count > 0 ? running : null;
            },
            JobLedger.SettleTimeout,
            "an execution running on the victim node");

        await cluster.KillComputeNodeAsync(0);
        var killed = Stopwatch.StartNew();
        cluster.StartComputeNode(0);
        // Recovered once every job that was running on the victim has ended, there or elsewhere.
        TimeSpan? recovery = null;
        try
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    foreach (var id in onVictim)
                    {
                        if (!(await cluster.Client.GetJobAsync(id, cancellationToken: deadline.Token)).Job.State.StateType.IsTerminal())
                        {
                            return null;
                        }
                    }

                    return "";
                },
                JobLedger.SettleTimeout,
                "the victim's jobs to end");
            recovery = killed.Elapsed;
        }
        catch (TimeoutException)
        {
            // Not recovered: the jobs that never ended are counted below.
        }

        await cluster.WaitForConnectedComputeNodesAsync(2, deadline.Token);

        FaultReport.Check(output, "kill -9 compute node mid-job", await ledger.SettleAsync(deadline.Token), recovery);
    }
}
