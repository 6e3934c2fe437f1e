using System.Diagnostics;
using Bacalhau.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class OrchestratorCrashTests(ITestOutputHelper output)
{
    [FaultCase]
    public async Task Kill_9_of_the_orchestrator_under_steady_submissions_loses_no_accepted_job()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token);
        var ledger = new JobLedger(cluster);
        await using var load = SteadyLoad.Start(ledger, TimeSpan.FromMilliseconds(50), jobSeconds: 1, deadline.Token);
        await ledger.WaitForAcceptedAsync(40);

        await cluster.KillOrchestratorAsync();
        var faultEnded = Stopwatch.StartNew();
        await cluster.StartOrchestratorAsync(deadline.Token);
        var recovery = await ledger.RecoverAsync(faultEnded, deadline.Token);
        await ledger.WaitForAcceptedAsync(ledger.Accepted + 40);
        await load.StopAsync();

        FaultReport.Check(output, "kill -9 orchestrator", await ledger.SettleAsync(deadline.Token), recovery);
    }
}
