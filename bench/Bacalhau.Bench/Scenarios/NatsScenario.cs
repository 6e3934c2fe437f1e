using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 1: raw NATS through NATS.Net, the floor for our messaging. Request/reply round trips against the
/// server's own PING/PONG; publish throughput to one subscriber against publishing to nobody.
/// </summary>
internal sealed class NatsScenario : IScenario
{
    private const string Name = "1 raw NATS";

    public int Number => 1;

    public string Title => "raw NATS round trip and publish throughput";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var nats = await NatsServer.StartAsync(cancellationToken);
        await using var probe = await NatsProbe.StartAsync(nats);
        var count = settings.Count(5000, 1000);
        var ping = await probe.PingAsync(count, cancellationToken);
        var roundTrip = await probe.RoundTripAsync(count, cancellationToken);
        var messages = settings.Count(500_000, 100_000);
        var toNobody = await probe.PublishThroughputAsync(messages, withSubscriber: false, cancellationToken);
        var toSubscriber = await probe.PublishThroughputAsync(messages, withSubscriber: true, cancellationToken);
        var (concurrent, _) = await probe.RequestThroughputAsync(64, settings.Window(3, 1), cancellationToken);

        return
        [
            new() { Scenario = Name, Name = "request/reply round trip p50", Value = roundTrip.P50, Unit = "ms", Baseline = ping.P50, BaselineName = "server PING p50" },
            new() { Scenario = Name, Name = "request/reply round trip p99", Value = roundTrip.P99, Unit = "ms", Baseline = ping.P99, BaselineName = "server PING p99" },
            new() { Scenario = Name, Name = "request/reply, 64 callers", Value = concurrent, Unit = "msgs/s", Baseline = 1000 / roundTrip.P50, BaselineName = "1 caller, 1/p50" },
            new() { Scenario = Name, Name = "publish 256 B to 1 subscriber", Value = toSubscriber, Unit = "msgs/s", Baseline = toNobody, BaselineName = "no subscriber" },
        ];
    }
}
