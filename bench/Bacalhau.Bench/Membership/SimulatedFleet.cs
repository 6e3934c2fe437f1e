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
/// <remarks>
/// One loop drives the whole fleet: the interval is cut into <see cref="Slots"/> slots, each node beats in the slot of
/// its phase, and each tick starts the beats of one slot. A timer and a waiting loop per node cost the benchmark more
/// than the orchestrator it measures once there are 100,000 of them.
/// </remarks>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private const int NodesPerConnection = 500;
    /// <summary>Handshakes under way at once while a fleet joins, as a fleet that restarts together sends them.</summary>
    public const int JoinParallelism = 64;
    private const int Slots = 300;
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromMinutes(5);

    private readonly NatsServer _nats;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _infoInterval;
    private readonly List<NatsConnection> _connections = [];
    private readonly List<SimulatedNode>[] _slots = [.. Enumerable.Range(0, Slots).Select(_ => new List<SimulatedNode>())];
    private readonly Lock _slotsLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private long _heartbeats;
    private long _failures;
    private long _skipped;
    private int _inFlight;

    public SimulatedFleet(NatsServer nats, TimeSpan interval, TimeSpan infoInterval)
    {
        (_nats, _interval, _infoInterval) = (nats, interval, infoInterval);
        _loop = RunAsync(_stopping.Token);
    }

    public int Count => _count;

    /// <summary>Heartbeats answered since the fleet started.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>Requests not answered, refused, or answered with "handshake required".</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Beats not sent because the node's previous beat (or its handshake again) was still waiting, as a real node's timer skips.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Adds nodes until the fleet has <paramref name="total"/>, each joined (handshake accepted) before this returns.</summary>
    public async Task GrowToAsync(int total, CancellationToken cancellationToken)
    {
        var nodes = new List<SimulatedNode>();
        for (var i = _count; i < total; i++)
        {
            if (i % NodesPerConnection == 0)
            {
                _connections.Add(await _nats.ConnectAsync($"bench-fleet-{_connections.Count}"));
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

        // Each node's first beat comes at a random point of the interval after it joined, its first info update at a
        // random point of the info interval.
        var now = DateTimeOffset.UtcNow;
        lock (_slotsLock)
        {
            foreach (var node in nodes)
            {
                node.NextInfo = now + (_infoInterval * Random.Shared.NextDouble());
                _slots[Random.Shared.Next(Slots)].Add(node);
            }
        }

        _count = total;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        // The beats under way end straight away, cancelled; a request the client does not cancel ends at its timeout.
        await _drained.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval / Slots);
        var slot = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                SimulatedNode[] due;
                lock (_slotsLock)
                {
                    due = [.. _slots[slot]];
                }

                slot = (slot + 1) % Slots;
                var now = DateTimeOffset.UtcNow;
                foreach (var node in due)
                {
                    if (!node.TryStartBeat())
                    {
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }

                    Interlocked.Increment(ref _inFlight);
                    _ = BeatAsync(node, now, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One beat of one node: what a real node's heartbeat loop does on each tick.</summary>
    private async Task BeatAsync(SimulatedNode node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
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

            if (now >= node.NextInfo)
            {
                node.NextInfo += _infoInterval;
                await TryAsync(node.UpdateInfoAsync, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            node.EndBeat();
            if (Interlocked.Decrement(ref _inFlight) == 0 && cancellationToken.IsCancellationRequested)
            {
                _drained.TrySetResult();
            }
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
