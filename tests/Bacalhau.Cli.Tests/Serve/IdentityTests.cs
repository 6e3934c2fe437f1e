using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>Peer identity, <c>bacalhau id</c>, <c>--peer</c> and ports, with real <c>bacalhau serve</c> processes on loopback.</summary>
public sealed class IdentityTests
{
    /// <summary>The peer ID of go-libp2p's published test key (js-peer-id's go-private-key fixture): held by none of these nodes.</summary>
    private const string SomeoneElse = "QmRLoXS3E73psYaUsma1VSbboTa2J8Z9kso1tpiGLk9WQ4";

    [Fact]
    public async Task An_orchestrator_keeps_its_peer_id_across_restarts_and_bacalhau_id_agrees_with_the_api()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var (apiPort, natsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var first = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var fromApi = await GetJsonAsync(http, "/api/v1/id");
        var peerId = fromApi.GetProperty("PeerID").GetString()!;

        Assert.StartsWith("Qm", peerId, StringComparison.Ordinal);
        Assert.Equal(peerId, fromApi.GetProperty("ID").GetString());
        Assert.Equal([$"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{peerId}"], fromApi.GetProperty("Addresses").EnumerateArray().Select(a => a.GetString()));
        var keyFile = Path.Combine(dataDir, $"private_key.{natsPort}");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var node = await GetJsonAsync(http, "/api/v1/agent/node");
        Assert.Equal(peerId, node.GetProperty("PeerID").GetString());
        Assert.Equal(fromApi.GetProperty("PublicKey").GetString(), node.GetProperty("PublicKey").GetString());

        var id = await CliProcess.RunAsync(dataDir, "id", "--port", $"{natsPort}", "-c", "Orchestrator.Host=127.0.0.1", "--output", "json");
        Assert.True(id.ExitCode == 0, id.ToString());
        var fromCli = JsonDocument.Parse(id.Stdout).RootElement;
        Assert.True(JsonElement.DeepEquals(fromApi, fromCli), $"/api/v1/id: {fromApi}\nbacalhau id: {fromCli}");
        var table = await CliProcess.RunAsync(dataDir, "id", "--port", $"{natsPort}");
        Assert.Contains($"Peer ID     {peerId}", table.Stdout, StringComparison.Ordinal);

        // Bound to 127.0.0.1, the API does not answer on another address of the machine.
        using (var other = new TcpClient())
        {
            await Assert.ThrowsAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), apiPort));
        }

        // A graceful stop ends cleanly and takes its nats-server with it, so the same ports serve the restart.
        await first.StopAsync(TimeSpan.FromSeconds(20));
        Assert.DoesNotContain("Error", first.Stderr, StringComparison.Ordinal);
        await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);
        Assert.True(JsonElement.DeepEquals(fromApi, await GetJsonAsync(http, "/api/v1/id")), "the identity changed across the restart");
        Assert.Single(Directory.GetFiles(dataDir, "private_key.*"));
    }

    [Fact]
    public async Task A_compute_node_given_the_orchestrators_peer_id_joins_and_one_given_none_learns_it_from_the_api()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.Auth.Token=shared-secret");
        var peerId = await PeerIdOfAsync(orchestratorDir, natsPort);

        var withId = cluster.NewDataDir();
        var first = cluster.Serve(withId, "--compute", "--host", "127.0.0.1", "--Compute.Auth.Token=shared-secret", "--peer", $"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{peerId}");
        var withoutId = cluster.NewDataDir();
        cluster.Serve(withoutId, "--compute", "--host", "127.0.0.1", "--Compute.Auth.Token=shared-secret", "--peer", $"/dns4/localhost/tcp/{natsPort}", $"--Compute.OrchestratorAPIPort={apiPort}");

        var ids = await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 2, first);
        // Each compute node is its own peer: its node ID is its peer ID, another than the orchestrator's.
        var expected = new[] { withId, withoutId }.Select(LocalCluster.ComputeNodeId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ids.Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.StartsWith("Qm", id, StringComparison.Ordinal));
        Assert.DoesNotContain(peerId, ids);
        Assert.Contains($"proved to be peer {peerId}", first.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compute_node_refuses_an_orchestrator_that_is_not_the_peer_it_was_given_and_says_why()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.Auth.Token=shared-secret");
        var peerId = await PeerIdOfAsync(orchestratorDir, natsPort);
        var computeApiPort = LocalCluster.FreePort();
        var compute = cluster.Serve(
            cluster.NewDataDir(), "--compute", "--host", "127.0.0.1", "--api-port", $"{computeApiPort}", "--Compute.Auth.Token=shared-secret",
            "--peer", $"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{SomeoneElse}");

        var reason = $"it is peer {peerId}, not {SomeoneElse}";
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(compute.Stdout.Contains(reason, StringComparison.Ordinal)), compute, "the refusal");
        Assert.Contains("refusing the orchestrator", compute.Stdout, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{computeApiPort}/health"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains(reason, await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var nodes = await CliProcess.RunAsync(orchestratorDir, "node", "list", "--output", "json", "--api-port", $"{apiPort}");
        // The list holds the orchestrator itself; no compute node joined.
        Assert.DoesNotContain(JsonDocument.Parse(nodes.Stdout).RootElement.EnumerateArray(), n => n.GetProperty("Info").GetProperty("NodeType").GetString() == "Compute");
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/notaport", "--peer: '/ip4/127.0.0.1/tcp/notaport' is not a valid multiaddr: 'notaport' is not a TCP port")]
    [InlineData("127.0.0.1:4222", "--peer: '127.0.0.1:4222' is not a valid multiaddr")]
    [InlineData("/ip4/127.0.0.1/tcp/4222/p2p/not-an-id", "is not a peer ID")]
    public async Task A_bad_peer_is_a_one_line_error_naming_the_flag(string peer, string expected)
    {
        await using var cluster = new LocalCluster();
        var result = await CliProcess.RunAsync(cluster.NewDataDir(), "serve", "--compute", "--peer", peer);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--api-port")]
    [InlineData("--port")]
    public async Task A_port_in_use_is_a_one_line_error_naming_the_flag(string flag)
    {
        await using var cluster = new LocalCluster();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (apiPort, natsPort) = flag == "--api-port" ? (takenPort, LocalCluster.FreePort()) : (LocalCluster.FreePort(), takenPort);

        var result = await CliProcess.RunAsync(
            cluster.NewDataDir(), "serve", "--orchestrator", "--host", "127.0.0.1", "--api-port", $"{apiPort}", "--port", $"{natsPort}", "--Orchestrator.Host=127.0.0.1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"Error: port {takenPort} on 127.0.0.1 is already in use; pick another with {flag}", result.Stderr.Trim());
    }

    [Fact]
    public async Task A_corrupt_key_file_stops_the_node_with_an_error_naming_it_and_is_left_as_it_was()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var keyFile = Path.Combine(dataDir, "private_key.1235");
        await File.WriteAllTextAsync(keyFile, "garbage");

        // With its token, so that the key is the one thing wrong with this node.
        var serve = await CliProcess.RunAsync(dataDir, "serve", "--compute", "--host", "127.0.0.1", "--Compute.Auth.Token=t");
        var id = await CliProcess.RunAsync(dataDir, "id");

        foreach (var result in new[] { serve, id })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"'{keyFile}' is not a valid node private key", result.Stderr, StringComparison.Ordinal);
        }

        // One line from the CLI, not the host's log of a failed start with its stack trace.
        Assert.DoesNotContain("   at ", serve.Stdout + serve.Stderr, StringComparison.Ordinal);
        Assert.Equal("garbage", await File.ReadAllTextAsync(keyFile));
    }

    private static async Task<string> PeerIdOfAsync(string dataDir, int natsPort)
    {
        var id = await CliProcess.RunAsync(dataDir, "id", "--port", $"{natsPort}", "--output", "json");
        Assert.True(id.ExitCode == 0, id.ToString());
        return JsonDocument.Parse(id.Stdout).RootElement.GetProperty("PeerID").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative)));
        return document.RootElement.Clone();
    }
}
