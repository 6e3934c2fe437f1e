using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Cluster.Leadership;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Bacalhau.Orchestrator.Tests.Cluster.Leadership;

/// <summary>The leader lease in a real JetStream KV bucket, on a three-server cluster; each contender's clock is its own.</summary>
public sealed class LeaderLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);
    private readonly List<NatsConnection> _connections = [];
    private NatsCluster? _nats;

    public async Task InitializeAsync() => _nats = await NatsCluster.StartAsync(3);

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _nats!.DisposeAsync();
    }

    [Fact]
    public async Task A_follower_takes_over_only_once_the_lease_stood_unchanged_for_its_duration_by_its_own_clock()
    {
        var leaderClock = new FakeTimeProvider();
        var followerClock = new FakeTimeProvider();
        var leader = await OpenAsync(0, leaderClock);
        var follower = await OpenAsync(1, followerClock);
        Assert.True(await leader.ObserveAsync(CancellationToken.None));
        Assert.True(await leader.TryTakeAsync(new LeaderInfo("a", "http://127.0.0.1:1", 1), CancellationToken.None));

        Assert.False(await follower.ObserveAsync(CancellationToken.None));
        Assert.Equal("a", follower.Leader?.NodeId);
        followerClock.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(await follower.ObserveAsync(CancellationToken.None));

        // A renewal is a new revision: the follower's count starts again.
        Assert.True(await leader.RenewAsync(CancellationToken.None));
        followerClock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await follower.ObserveAsync(CancellationToken.None));
        followerClock.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(await follower.ObserveAsync(CancellationToken.None));
        followerClock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await follower.ObserveAsync(CancellationToken.None));

        Assert.True(await follower.TryTakeAsync(new LeaderInfo("b", "http://127.0.0.1:2", 2), CancellationToken.None));
        Assert.False(await leader.RenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_leader_counts_itself_leader_only_within_the_duration_less_a_margin_of_its_last_renewal()
    {
        var clock = new FakeTimeProvider();
        var lease = await OpenAsync(0, clock);
        Assert.False(lease.IsHeld);
        await lease.ObserveAsync(CancellationToken.None);
        Assert.True(await lease.TryTakeAsync(new LeaderInfo("a", "http://127.0.0.1:1", 1), CancellationToken.None));
        Assert.True(lease.IsHeld);

        clock.Advance(Duration * 0.8);

        Assert.False(lease.IsHeld);
        Assert.True(await lease.RenewAsync(CancellationToken.None));
        Assert.True(lease.IsHeld);
    }

    [Fact]
    public async Task Two_contenders_cannot_both_win()
    {
        var clocks = new[] { new FakeTimeProvider(), new FakeTimeProvider(), new FakeTimeProvider() };
        var leases = new[] { await OpenAsync(0, clocks[0]), await OpenAsync(1, clocks[1]), await OpenAsync(2, clocks[2]) };

        // Two see no lease and race to create it.
        Assert.True(await leases[0].ObserveAsync(CancellationToken.None));
        Assert.True(await leases[1].ObserveAsync(CancellationToken.None));
        var created = await Task.WhenAll(leases[0..2].Select((l, i) => l.TryTakeAsync(new LeaderInfo($"c{i}", "http://127.0.0.1:1", 1), CancellationToken.None)));
        Assert.Single(created, won => won);

        // The winner goes silent; the loser and a third see the same revision stand for the duration and race to replace it.
        var contenders = new[] { Array.IndexOf(created, false), 2 };
        foreach (var i in contenders)
        {
            Assert.False(await leases[i].ObserveAsync(CancellationToken.None));
            clocks[i].Advance(Duration);
            Assert.True(await leases[i].ObserveAsync(CancellationToken.None));
        }

        var replaced = await Task.WhenAll(contenders.Select(i => leases[i].TryTakeAsync(new LeaderInfo($"d{i}", "http://127.0.0.1:1", 2), CancellationToken.None)));
        Assert.Single(replaced, won => won);
    }

    private async Task<LeaderLease> OpenAsync(int server, FakeTimeProvider clock)
    {
        var connection = _nats!.Connect(server);
        _connections.Add(connection);
        return await LeaderLease.OpenAsync(new NatsJSContext(connection), 3, Duration, clock, CancellationToken.None);
    }
}
