using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.FaultTests.Infrastructure;
using Bacalhau.Identity.Nodes;
using Bacalhau.IntegrationTests.Infrastructure;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Cases;

public sealed class PoisonMessageTests(ITestOutputHelper output)
{
    [FaultCase]
    public async Task An_undecodable_message_with_the_next_sequence_number_loses_no_later_job()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = await FaultCluster.StartAsync(computeNodes: 1, deadline.Token);
        var node = SystemMetadata.Load(Path.Combine(cluster.ComputeDataDirs[0], "compute")).NodeId!;
        await using var raw = await cluster.ConnectRawAsync();
        var subject = Subjects.DataIn(node);
        var lastSeen = new LastMessage();
        var watch = WatchAsync(raw, subject, lastSeen, deadline.Token);

        var ledger = new JobLedger(cluster);
        var first = await ledger.SubmitAsync(JobLedger.NoopJob("before", durationSeconds: 0), deadline.Token);
        Assert.NotNull(first);
        await Eventually.WaitAsync(() => Task.FromResult(lastSeen.Headers), JobLedger.SettleTimeout, $"a message on {subject}");

        // What a broken orchestrator could send (a token holder no longer may publish here): a well-formed envelope
        // whose payload is not an AskForBidRequest, numbered as the orchestrator's next message.
        var headers = lastSeen.Headers!;
        var next = ulong.Parse(headers[MessageHeaders.SeqNum].ToString(), CultureInfo.InvariantCulture) + 1;
        var metadata = new Dictionary<string, string>
        {
            [MessageHeaders.Type] = MessageTypes.AskForBid,
            [MessageHeaders.Source] = headers[MessageHeaders.Source].ToString(),
            [MessageHeaders.SeqNum] = next.ToString(CultureInfo.InvariantCulture),
        };
        var poison = Envelope.Encode(JsonDocument.Parse("""{"Execution":12}""").RootElement, BacalhauJsonContext.Default.JsonElement, metadata);
        var natsHeaders = new NatsHeaders();
        foreach (var (key, value) in metadata)
        {
            natsHeaders[key] = value;
        }

        string injected;
        try
        {
            var ack = await raw.RequestAsync<byte[], byte[]>(subject, poison, natsHeaders, cancellationToken: deadline.Token);
            injected = $"acknowledged: {System.Text.Encoding.UTF8.GetString(ack.Data ?? [])}";
        }
        catch (NatsException ex)
        {
            injected = $"refused: {ex.Message}";
        }

        output.WriteLine($"poison message {next} on {subject}: {injected}");
        var faultEnded = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await ledger.SubmitAsync(JobLedger.NoopJob("after", durationSeconds: 0), deadline.Token);
        }

        var tally = await ledger.SettleAsync(deadline.Token);
        var recovery = tally.NeverEnded == 0 ? faultEnded.Elapsed : (TimeSpan?)null;
        await deadline.CancelAsync();
        await watch;
        FaultReport.Check(output, "poison message", tally, recovery);
    }

    private static async Task WatchAsync(NatsConnection connection, string subject, LastMessage last, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var msg in connection.SubscribeAsync<byte[]>(subject, cancellationToken: cancellationToken))
            {
                if (msg.Headers?.ContainsKey(MessageHeaders.SeqNum) == true)
                {
                    last.Headers = msg.Headers;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private sealed class LastMessage
    {
        public volatile NatsHeaders? Headers;
    }
}
