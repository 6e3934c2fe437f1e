using System.Diagnostics;
using Bacalhau.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class NatsPauseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(10);

    [FaultCase]
    public Task SIGSTOP_of_nats_server_for_10_s_within_the_disconnect_timeout_loses_and_repeats_no_job() =>
        PauseAsync("SIGSTOP nats-server 10 s (disconnect timeout 30 s)", TimeSpan.FromSeconds(30));

    [FaultCase]
    public Task SIGSTOP_of_nats_server_for_10_s_beyond_the_disconnect_timeout_repeats_no_job() =>
        PauseAsync("SIGSTOP nats-server 10 s (disconnect timeout 5 s)", TimeSpan.FromSeconds(5));

    private async Task PauseAsync(string name, TimeSpan disconnectTimeout)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token, disconnectTimeout: disconnectTimeout);
        var ledger = new JobLedger(cluster);
        await using var load = SteadyLoad.Start(ledger, TimeSpan.FromMilliseconds(100), jobSeconds: 0.5, deadline.Token);
        await ledger.WaitForAcceptedAsync(10);

        cluster.PauseNats();
        // The length of the fault itself, not a wait for something to happen.
        await Task.Delay(Pause, deadline.Token);
        cluster.ResumeNats();
        var faultEnded = Stopwatch.StartNew();
        var recovery = await ledger.RecoverAsync(faultEnded, deadline.Token);
        await ledger.WaitForAcceptedAsync(ledger.Accepted + 20);
        await load.StopAsync();

        FaultReport.Check(output, name, await ledger.SettleAsync(deadline.Token), recovery);
    }
}
