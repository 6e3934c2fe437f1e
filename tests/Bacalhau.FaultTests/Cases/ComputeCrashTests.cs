using System.Diagnostics;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Nodes;
using Bacalhau.FaultTests.Infrastructure;
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

        await Eventually.WaitAsync(
            async () =>
            {
                foreach (var id in jobs)
                {
                    var executions = await cluster.Client.ListExecutionsAsync(id, deadline.Token);
                    if (executions.Items.Any(e => e.NodeID == victim && e.ComputeState.StateType == ExecutionStateType.Running))
                    {
                        return id;
                    }
                }

                return null;
            },
            JobLedger.SettleTimeout,
            "an execution running on the victim node");

        await cluster.KillComputeNodeAsync(0);
        var faultEnded = Stopwatch.StartNew();
        cluster.StartComputeNode(0);
        await cluster.WaitForConnectedComputeNodesAsync(2, deadline.Token);
        var recovery = await ledger.RecoverAsync(faultEnded, deadline.Token);

        FaultReport.Check(output, "kill -9 compute node mid-job", await ledger.SettleAsync(deadline.Token), recovery);
    }
}
