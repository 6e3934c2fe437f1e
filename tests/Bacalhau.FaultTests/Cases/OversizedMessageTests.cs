using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bacalhau.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class OversizedMessageTests(ITestOutputHelper output)
{
    // NATS's default max_payload is 1 MiB: this job's AskForBidRequest is larger.
    private const int NameLength = 1_100_000;

    [FaultCase]
    public async Task A_job_larger_than_a_NATS_message_blocks_no_later_job()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 1, deadline.Token);
        var ledger = new JobLedger(cluster);

        var oversized = JsonNode.Parse(JobLedger.NoopJob("x", durationSeconds: 0).GetRawText())!;
        oversized["Name"] = new string('x', NameLength);
        await ledger.SubmitAsync(JsonSerializer.SerializeToElement(oversized), deadline.Token);
        var faultEnded = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await ledger.SubmitAsync(JobLedger.NoopJob("after", durationSeconds: 0), deadline.Token);
        }

        var tally = await ledger.SettleAsync(deadline.Token);
        FaultReport.Check(output, "oversized message (1.1 MB job)", tally, tally.NeverEnded == 0 ? faultEnded.Elapsed : null);
    }
}
