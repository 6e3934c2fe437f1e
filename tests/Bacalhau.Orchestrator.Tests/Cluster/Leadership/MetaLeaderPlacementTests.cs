using System.Text.Json;
using Bacalhau.NatsHosting;
using Bacalhau.NatsHosting.Tests.Server;
using Bacalhau.Orchestrator.Cluster.Leadership;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Tests.Cluster.Leadership;

/// <summary>Moving JetStream's meta leader off the leading orchestrator's server, on three real nats-servers in operator mode.</summary>
public sealed class MetaLeaderPlacementTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly List<NatsConnection> _connections = [];
    private NatsTestCluster? _cluster;
    private NatsAuthOpts? _systemUser;

    public async Task InitializeAsync()
    {
        _cluster = await NatsTestCluster.StartAsync(3);
        using var system = NatsAccountSigner.LoadSystemBeside(_cluster[0].Config.AccountSeedFile);
        _systemUser = Assert.IsType<NatsAuthOpts>(system?.ServiceUser("test-system"));
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _cluster!.DisposeAsync();
    }

    [Fact]
    public async Task A_meta_leader_on_the_orchestrators_own_server_moves_to_another_and_jetstream_still_answers()
    {
        var (own, before) = await ConnectToMetaLeaderAsync(leader: true);

        await new MetaLeaderPlacement(_systemUser, own, TimeProvider.System, NullLogger<MetaLeaderPlacement>.Instance).MoveOffOwnServerAsync(Within, CancellationToken.None);

        var after = await MetaLeaderAsync();
        Assert.NotEqual(before, after);
        await new NATS.Client.JetStream.NatsJSContext(own).CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig("AFTER", ["after"]) { NumReplicas = 3 });
    }

    [Fact]
    public async Task A_meta_leader_elsewhere_stays_and_without_the_system_key_nothing_is_asked()
    {
        var (other, before) = await ConnectToMetaLeaderAsync(leader: false);
        await new MetaLeaderPlacement(_systemUser, other, TimeProvider.System, NullLogger<MetaLeaderPlacement>.Instance).MoveOffOwnServerAsync(Within, CancellationToken.None);
        Assert.Equal(before, await MetaLeaderAsync());

        var (own, _) = await ConnectToMetaLeaderAsync(leader: true);
        await new MetaLeaderPlacement(null, own, TimeProvider.System, NullLogger<MetaLeaderPlacement>.Instance).MoveOffOwnServerAsync(Within, CancellationToken.None);
        Assert.Equal(before, await MetaLeaderAsync());
    }

    /// <summary>A service user's connection to the meta leader's server (or to another one), and the meta leader's name.</summary>
    private async Task<(NatsConnection Connection, string MetaLeader)> ConnectToMetaLeaderAsync(bool leader)
    {
        var metaLeader = await MetaLeaderAsync();
        for (var i = 0; i < _cluster!.Size; i++)
        {
            var connection = Connect(i, _cluster.ServiceUser("orchestrator"));
            await connection.ConnectAsync();
            if ((connection.ServerInfo?.Name == metaLeader) == leader)
            {
                return (connection, metaLeader);
            }
        }

        throw new InvalidOperationException($"no server {(leader ? "is" : "is not")} the meta leader {metaLeader}");
    }

    /// <summary>The meta leader's name, once the cluster has one, as server 0 reports it.</summary>
    private async Task<string> MetaLeaderAsync()
    {
        var system = Connect(0, _systemUser!);
        await system.ConnectAsync();
        using var deadline = new CancellationTokenSource(Within);
        while (true)
        {
            var answer = await system.RequestAsync<byte[], byte[]>($"$SYS.REQ.SERVER.{system.ServerInfo!.Id}.JSZ", "{}"u8.ToArray(), cancellationToken: deadline.Token);
            using var report = JsonDocument.Parse(answer.Data ?? []);
            if (report.RootElement.GetProperty("data").TryGetProperty("meta_cluster", out var meta)
                && meta.TryGetProperty("leader", out var name) && name.GetString() is { Length: > 0 } leader)
            {
                return leader;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private NatsConnection Connect(int server, NatsAuthOpts auth)
    {
        var connection = new NatsConnection(NatsOpts.Default with { Url = _cluster![server].Config.ClientUrl, AuthOpts = auth, MaxReconnectRetry = 0 });
        _connections.Add(connection);
        return connection;
    }
}
