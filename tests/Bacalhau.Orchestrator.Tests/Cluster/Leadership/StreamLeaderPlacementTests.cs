using Bacalhau.Orchestrator.Cluster.Leadership;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Bacalhau.Orchestrator.Tests.Cluster.Leadership;

/// <summary>Moving a replicated stream's Raft leader off the leading orchestrator's server, on three real nats-servers.</summary>
public sealed class StreamLeaderPlacementTests : IAsyncLifetime
{
    private const string Stream = "PLACED";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly List<NatsConnection> _connections = [];
    private NatsCluster? _nats;

    public async Task InitializeAsync()
    {
        _nats = await NatsCluster.StartAsync(3);
        var jetStream = new NatsJSContext(Connect(0));
        await jetStream.CreateStreamAsync(new StreamConfig(Stream, ["placed"]) { NumReplicas = 3, Storage = StreamConfigStorage.File });
        await jetStream.PublishAsync("placed", "first"u8.ToArray());
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _nats!.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_led_by_the_orchestrators_own_server_gets_a_leader_elsewhere_and_keeps_its_messages()
    {
        var before = await LeaderAsync(0);
        var (jetStream, own) = await ConnectToAsync(before);

        await new StreamLeaderPlacement(jetStream, own, TimeProvider.System, NullLogger.Instance).MoveOffOwnServerAsync([Stream], Within, CancellationToken.None);

        var after = await LeaderAsync(0);
        Assert.NotEqual(before, after);
        Assert.Equal(1L, (await jetStream.GetStreamAsync(Stream)).Info.State.Messages);
        Assert.Equal(2ul, (await jetStream.PublishAsync("placed", "second"u8.ToArray())).Seq);
    }

    [Fact]
    public async Task A_stream_led_by_another_server_stays_where_it_is()
    {
        var before = await LeaderAsync(0);
        var other = Enumerable.Range(0, 3).Select(i => $"s{i}").First(name => name != before);
        var (jetStream, own) = await ConnectToAsync(other);

        await new StreamLeaderPlacement(jetStream, own, TimeProvider.System, NullLogger.Instance).MoveOffOwnServerAsync([Stream], Within, CancellationToken.None);

        Assert.Equal(before, await LeaderAsync(0));
    }

    private async Task<string> LeaderAsync(int server)
    {
        var info = await new NatsJSContext(Connect(server)).GetStreamAsync(Stream);
        return Assert.IsType<string>(info.Info.Cluster?.Leader);
    }

    /// <summary>A JetStream context connected to the server named <paramref name="name"/> (sN is the Nth), and the name that server gives itself.</summary>
    private async Task<(NatsJSContext JetStream, string? Own)> ConnectToAsync(string name)
    {
        var connection = Connect(int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture));
        await connection.ConnectAsync();
        Assert.Equal(name, connection.ServerInfo?.Name);
        return (new NatsJSContext(connection), connection.ServerInfo?.Name);
    }

    private NatsConnection Connect(int server)
    {
        var connection = _nats!.Connect(server);
        _connections.Add(connection);
        return connection;
    }
}
