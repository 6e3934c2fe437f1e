using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using NATS.Client.Core;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Raw NATS through NATS.Net, the floor for our messaging: an echo responder on one connection, requests and
/// publishes from another, on the same nats-server the cluster uses. Payloads are the size of a small NCL envelope.
/// </summary>
internal sealed class NatsProbe : IAsyncDisposable
{
    private const string EchoSubject = "bench.echo";
    private const string SinkSubject = "bench.sink";
    private static readonly byte[] Payload = new byte[256];

    private readonly NatsConnection _requester;
    private readonly NatsConnection _responder;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _echo;

    private NatsProbe(NatsConnection requester, NatsConnection responder, INatsSub<byte[]> echoSubscription)
    {
        _requester = requester;
        _responder = responder;
        _echo = EchoAsync(echoSubscription, _stopping.Token);
    }

    public static async Task<NatsProbe> StartAsync(NatsServer server)
    {
        var requester = await server.ConnectAsync("bench-requester");
        var responder = await server.ConnectAsync("bench-responder");
        var subscription = await responder.SubscribeCoreAsync<byte[]>(EchoSubject);
        // The subscription must be known to the server before the first request.
        await responder.PingAsync();
        return new NatsProbe(requester, responder, subscription);
    }

    /// <summary>Sequential request/reply round trips.</summary>
    public async Task<Latencies> RoundTripAsync(int count, CancellationToken cancellationToken)
    {
        await RequestLoopAsync(Math.Max(100, count / 10), null, cancellationToken);
        var latencies = new Latencies();
        await RequestLoopAsync(count, latencies, cancellationToken);
        return latencies;
    }

    /// <summary>Requests from <paramref name="concurrency"/> callers at once for <paramref name="duration"/>: replies per second and their latencies.</summary>
    public async Task<(double PerSecond, Latencies Latencies)> RequestThroughputAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new Latencies();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await RequestLoopAsync(1, latencies, cancellationToken);
            }
        }, cancellationToken)));
        return (latencies.Count / Stopwatch.GetElapsedTime(started).TotalSeconds, latencies);
    }

    /// <summary>The server's own PING/PONG round trip: the transport floor under request/reply.</summary>
    public async Task<Latencies> PingAsync(int count, CancellationToken cancellationToken)
    {
        var latencies = new Latencies();
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await _requester.PingAsync(cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }

        return latencies;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages as fast as the client takes them; counted until the server has
    /// processed them all (a PING after them) or, with <paramref name="withSubscriber"/>, until one subscriber got them all.
    /// </summary>
    public async Task<double> PublishThroughputAsync(int count, bool withSubscriber, CancellationToken cancellationToken)
    {
        var received = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = withSubscriber ? await _responder.SubscribeCoreAsync<byte[]>(SinkSubject, cancellationToken: cancellationToken) : null;
        var receiving = subscription is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await foreach (var _ in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                if (++received == count)
                {
                    allReceived.TrySetResult();
                    return;
                }
            }
        }, cancellationToken);
        await _responder.PingAsync(cancellationToken);

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await _requester.PublishAsync(SinkSubject, Payload, cancellationToken: cancellationToken);
        }

        await _requester.PingAsync(cancellationToken);
        if (withSubscriber)
        {
            await allReceived.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await receiving;
        return count / elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _echo;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await _requester.DisposeAsync();
        await _responder.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task RequestLoopAsync(int count, Latencies? latencies, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await _requester.RequestAsync<byte[], byte[]>(EchoSubject, Payload, cancellationToken: cancellationToken);
            latencies?.Add(Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task EchoAsync(INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        await using (subscription)
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                await message.ReplyAsync(message.Data, cancellationToken: cancellationToken);
            }
        }
    }
}
