using Bacalhau.Bench.Infrastructure;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using NATS.Client.Core;

namespace Bacalhau.Bench.Membership;

/// <summary>
/// Many <see cref="SimulatedNode"/>s in this process, a few hundred per NATS connection, each heartbeating at
/// <c>interval</c> and refreshing its info at <c>infoInterval</c> with a random phase, so the orchestrator sees the
/// steady load of that many real nodes at once rather than a synchronised burst.
/// </summary>
internal sealed class SimulatedFleet(NatsServer nats, TimeSpan interval, TimeSpan infoInterval) : IAsyncDisposable
{
    private const int NodesPerConnection = 500;
    private const int JoinParallelism = 64;
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromMinutes(3);

    private readonly List<NatsConnection> _connections = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _count;
    private long _heartbeats;
    private long _failures;

    public int Count => _count;

    /// <summary>Heartbeats answered since the fleet started.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>Requests not answered, refused, or answered with "handshake required".</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Adds nodes until the fleet has <paramref name="total"/>, each joined (handshake accepted) before this returns.</summary>
    public async Task GrowToAsync(int total, CancellationToken cancellationToken)
    {
        var nodes = new List<SimulatedNode>();
        for (var i = _count; i < total; i++)
        {
            if (i % NodesPerConnection == 0)
            {
                _connections.Add(await nats.ConnectAsync($"bench-fleet-{_connections.Count}"));
            }

            nodes.Add(new SimulatedNode(_connections[^1], NodeIds.NewComputeNodeId()));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JoinTimeout);
        try
        {
            await Parallel.ForEachAsync(nodes, new ParallelOptions { MaxDegreeOfParallelism = JoinParallelism, CancellationToken = timeout.Token }, async (node, token) =>
            {
                while (!await TryAsync(node.HandshakeAsync, token))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), token);
                }
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{total - _count} simulated nodes did not all join within {JoinTimeout.TotalMinutes:F0} min");
        }

        foreach (var node in nodes)
        {
            _loops.Add(BeatAsync(node, _stopping.Token));
        }

        _count = total;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task BeatAsync(SimulatedNode node, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), cancellationToken);
            var nextInfo = DateTimeOffset.UtcNow + (infoInterval * Random.Shared.NextDouble());
            using var timer = new PeriodicTimer(interval);
            do
            {
                if (await TryAsync(node.HeartbeatAsync, cancellationToken))
                {
                    Interlocked.Increment(ref _heartbeats);
                }
                else
                {
                    // As a real node does: the orchestrator lost track of it, so it joins again.
                    await TryAsync(node.HandshakeAsync, cancellationToken);
                }

                if (DateTimeOffset.UtcNow >= nextInfo)
                {
                    nextInfo += infoInterval;
                    await TryAsync(node.UpdateInfoAsync, cancellationToken);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task<bool> TryAsync(Func<CancellationToken, Task<bool>> request, CancellationToken cancellationToken)
    {
        try
        {
            if (await request(cancellationToken))
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or EnvelopeException)
        {
            // Counted below; the node tries again on its next beat.
        }

        Interlocked.Increment(ref _failures);
        return false;
    }
}
