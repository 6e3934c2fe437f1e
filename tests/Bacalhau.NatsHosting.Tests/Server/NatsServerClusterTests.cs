using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Bacalhau.NatsHosting.Tests.Server;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NatsServerClusterTests : IDisposable
{
    private const string Token = "the-cluster-token-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-nats-cluster-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_cluster_member_gets_its_own_owner_only_config_with_its_name_and_authorized_routes()
    {
        using var keys = NatsClusterKeys.LoadOrCreate(_directory);
        var routes = new[] { "nats://10.0.0.1:6222", "10.0.0.2:6222" };

        var first = keys.WriteServerConfig(Token, "0.0.0.0", 4222, Path.Combine(_directory, "a"), cluster: new("node-a", "bacalhau", "0.0.0.0", 6222, "10.0.0.1:6222", routes));
        var second = keys.WriteServerConfig(Token, "0.0.0.0", 4222, Path.Combine(_directory, "b"), cluster: new("node-b", "bacalhau", "0.0.0.0", 6222, null, routes));

        Assert.NotEqual(first, second);
        Assert.NotEqual(keys.ServerConfigPath, first);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first));
        var text = File.ReadAllText(first);
        Assert.Contains("server_name: \"node-a\"", text, StringComparison.Ordinal);
        Assert.Contains("name: \"bacalhau\"", text, StringComparison.Ordinal);
        Assert.Contains("listen: \"0.0.0.0:6222\"", text, StringComparison.Ordinal);
        Assert.Contains("advertise: \"10.0.0.1:6222\"", text, StringComparison.Ordinal);
        var password = RoutePassword(text);
        Assert.Contains($"\"nats-route://route:{password}@10.0.0.1:6222\"", text, StringComparison.Ordinal);
        Assert.Contains($"\"nats-route://route:{password}@10.0.0.2:6222\"", text, StringComparison.Ordinal);
        // Derived from the operator key, which every server of the cluster holds; not from the token compute nodes hold.
        Assert.Equal(password, RoutePassword(File.ReadAllText(second)));
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.True(password.Length >= 40);
    }

    [Fact]
    public void Keys_of_another_cluster_give_other_route_credentials()
    {
        var cluster = new NatsServerCluster("node-a", "bacalhau", "127.0.0.1", 6222, null, ["nats://127.0.0.1:6223"]);
        using var ours = NatsClusterKeys.LoadOrCreate(Path.Combine(_directory, "ours"));
        using var theirs = NatsClusterKeys.LoadOrCreate(Path.Combine(_directory, "theirs"));

        var password = RoutePassword(File.ReadAllText(ours.WriteServerConfig(Token, "127.0.0.1", 4222, Path.Combine(_directory, "a"), cluster: cluster)));

        Assert.NotEqual(password, RoutePassword(File.ReadAllText(theirs.WriteServerConfig(Token, "127.0.0.1", 4222, Path.Combine(_directory, "b"), cluster: cluster))));
    }

    [Theory]
    [InlineData("nats://route:secret@10.0.0.1:6222")]
    [InlineData("not a url")]
    public void A_bad_route_address_is_refused_without_echoing_credentials(string route)
    {
        using var keys = NatsClusterKeys.LoadOrCreate(_directory);

        var error = Assert.Throws<FormatException>(() => keys.WriteServerConfig(Token, "127.0.0.1", 4222, Path.Combine(_directory, "a"), cluster: new("node-a", "c", "127.0.0.1", 6222, null, [route])));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_name_that_cannot_name_a_file_is_refused()
    {
        using var keys = NatsClusterKeys.LoadOrCreate(_directory);

        Assert.Throws<ArgumentException>(() => keys.WriteServerConfig(Token, "127.0.0.1", 4222, Path.Combine(_directory, "a"), cluster: new("../x", "c", "127.0.0.1", 6222, null, [])));
    }

    [Fact]
    public async Task Three_servers_from_the_written_configs_form_a_JetStream_cluster_that_keeps_a_stream_of_three_replicas()
    {
        await using var cluster = await NatsTestCluster.StartAsync(3);
        await using var client = new NatsConnection(NatsOpts.Default with { Url = cluster[1].Config.ClientUrl, AuthOpts = cluster.ServiceUser("test") });
        var js = new NatsJSContext(client);

        // The meta group elects its leader shortly after the servers meet; until then JetStream answers unavailable, or not at all.
        var stream = await UntilAsync(() => js.CreateStreamAsync(new StreamConfig("replicated", ["replicated.>"]) { NumReplicas = 3 }).AsTask());
        var ack = await js.PublishAsync("replicated.one", "hello");
        ack.EnsureSuccess();

        await stream.RefreshAsync();
        Assert.Equal(3, stream.Info.Config.NumReplicas);
        Assert.Equal(1, stream.Info.State.Messages);
        Assert.Equal(2, stream.Info.Cluster?.Replicas?.Count);
        Assert.Equal("test-cluster", stream.Info.Cluster?.Name);
    }

    private static string RoutePassword(string config)
    {
        const string marker = "password: \"";
        var start = config.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return config[start..config.IndexOf('"', start)];
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> attempt)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (NatsJSException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
