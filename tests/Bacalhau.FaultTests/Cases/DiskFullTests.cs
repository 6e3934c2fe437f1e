using System.Diagnostics;
using Bacalhau.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class DiskFullTests(ITestOutputHelper output)
{
    [FaultCase]
    public async Task A_full_disk_under_the_orchestrator_refuses_submissions_clearly_and_loses_no_accepted_job()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var disk = await SmallDisk.MountAsync("20m");
        FaultTally tally;
        TimeSpan? recovery;
        await using (var cluster = await FaultCluster.StartAsync(computeNodes: 2, deadline.Token, disk.Path))
        {
            var ledger = new JobLedger(cluster);
            for (var i = 0; i < 10; i++)
            {
                await ledger.SubmitAsync(JobLedger.NoopJob("before"), deadline.Token);
            }

            await disk.FillAsync();
            for (var i = 0; i < 20; i++)
            {
                await ledger.SubmitAsync(JobLedger.NoopJob("disk-full"), deadline.Token);
            }

            disk.Free();
            var faultEnded = Stopwatch.StartNew();
            recovery = await ledger.RecoverAsync(faultEnded, deadline.Token);
            for (var i = 0; i < 10; i++)
            {
                await ledger.SubmitAsync(JobLedger.NoopJob("after"), deadline.Token);
            }

            tally = await ledger.SettleAsync(deadline.Token);
        }

        FaultReport.Check(output, "disk full (20 MB tmpfs)", tally, recovery);
        // A refusal says why: never an internal error, an empty answer or none at all.
        Assert.DoesNotContain(tally.Refused.Keys, r => r.StartsWith("500 ", StringComparison.Ordinal) || r.Contains("(empty body)", StringComparison.Ordinal) || r.StartsWith("no answer", StringComparison.Ordinal));
    }
}
