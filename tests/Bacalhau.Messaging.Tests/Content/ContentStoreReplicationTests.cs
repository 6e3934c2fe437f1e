using Bacalhau.Identity.Content;
using Bacalhau.Messaging.Content;
using Bacalhau.NatsHosting.Tests.Server;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Bacalhau.Messaging.Tests.Content;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContentStoreReplicationTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(5, 3)]
    public void The_bucket_lives_on_every_server_up_to_three(int servers, int replicas) =>
        Assert.Equal(replicas, ContentStore.ReplicasFor(servers));

    [Fact]
    public async Task In_a_cluster_the_orchestrator_raises_a_bucket_a_node_created_alone_to_its_replicas_and_nodes_keep_using_it()
    {
        await using var cluster = await NatsTestCluster.StartAsync(3);
        await using var node = Connect(cluster, 0, "node");
        await using var orchestrator = Connect(cluster, 1, "orchestrator");
        using var nodeStore = new ContentStore(node);
        using var orchestratorStore = new ContentStore(orchestrator, ContentStore.ReplicasFor(cluster.Size));
        var content = "a result"u8.ToArray();
        var cid = Cid.ForRaw(content);

        // The meta group elects its leader shortly after the servers meet; until then JetStream answers unavailable, or not at all.
        await UntilAsync(() => nodeStore.OpenAsync(CancellationToken.None));
        await nodeStore.PutAsync(cid, new MemoryStream(content), CancellationToken.None);
        Assert.Equal(1, await ReplicasAsync(orchestrator));

        await orchestratorStore.OpenAsync(CancellationToken.None);

        Assert.Equal(3, await ReplicasAsync(orchestrator));
        using var read = new MemoryStream();
        Assert.True(await orchestratorStore.TryGetAsync(cid, read, CancellationToken.None));
        Assert.Equal(content, read.ToArray());
        // A node opening it later keeps it as it is.
        await using var later = Connect(cluster, 2, "later node");
        using var laterStore = new ContentStore(later);
        await laterStore.OpenAsync(CancellationToken.None);
        Assert.Equal(3, await ReplicasAsync(orchestrator));
    }

    private static NatsConnection Connect(NatsTestCluster cluster, int server, string name) =>
        new(NatsOpts.Default with { Url = cluster[server].Config.ClientUrl, AuthOpts = cluster.ServiceUser(name) });

    private static async Task<int> ReplicasAsync(NatsConnection connection)
    {
        var stream = await new NatsJSContext(connection).GetStreamAsync(ContentStore.StreamName);
        return stream.Info.Config.NumReplicas;
    }

    private static async Task UntilAsync(Func<Task> attempt)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (NatsJSException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
