using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using NATS.Client.Core;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary><c>Orchestrator.TLS.Enabled</c>: the embedded nats-server requires TLS with a certificate of the cluster CA.</summary>
[SupportedOSPlatform("linux")]
public sealed class NatsTlsTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_compute_node_trusting_the_cluster_CA_joins_over_TLS_and_completes_a_job()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.TLS.Enabled=true", "--Orchestrator.Auth.Token=tls-test-token");
        var keys = Path.Combine(orchestratorDir, "orchestrator", "nats-auth");
        foreach (var secret in new[] { "ca-key.pem", "server-key.pem" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, secret)));
        }

        var computeDir = cluster.NewDataDir();
        var compute = cluster.Serve(computeDir, "--compute", $"--Compute.Orchestrators=tls://tls-test-token@127.0.0.1:{natsPort}",
            $"--Compute.TLS.CACert={Path.Combine(keys, "ca.pem")}", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");
        await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 1, compute);

        var spec = Path.Combine(orchestratorDir, "noop.yaml");
        await File.WriteAllTextAsync(spec, "name: over tls\ntype: batch\ncount: 1\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        var run = await CliProcess.RunAsync(orchestratorDir, "job", "run", spec, "--api-port", $"{apiPort}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Completed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compute_nodes_given_the_orchestrators_peer_id_join_over_pinned_TLS_without_a_CA_file_and_complete_a_job()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.TLS.Enabled=true", "--Orchestrator.Auth.Token=tls-test-token");
        var peer = $"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{await PeerIdOfAsync(apiPort)}";

        // One requires TLS; the other follows the server, which requires it: both are pinned, neither has the CA.
        var required = cluster.Serve(cluster.NewDataDir(), "--compute", "--peer", peer, "--Compute.Auth.Token=tls-test-token", "--Compute.TLS.Enabled=true",
            "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");
        var followed = cluster.Serve(cluster.NewDataDir(), "--compute", "--peer", peer, "--Compute.Auth.Token=tls-test-token",
            "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");
        await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 2, required);
        Assert.False(followed.HasExited, followed.ToString());

        var spec = Path.Combine(orchestratorDir, "noop.yaml");
        await File.WriteAllTextAsync(spec, "name: over pinned tls\ntype: batch\ncount: 2\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        var run = await CliProcess.RunAsync(orchestratorDir, "job", "run", spec, "--api-port", $"{apiPort}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Completed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compute_node_given_another_peer_id_or_another_CA_is_refused_at_the_TLS_handshake_naming_the_mismatch()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.TLS.Enabled=true", "--Orchestrator.Auth.Token=tls-test-token");
        var orchestratorPeer = await PeerIdOfAsync(apiPort);
        // A real peer ID of another key: a node of its own, started once to have its identity.
        var otherDir = cluster.NewDataDir();
        var id = await CliProcess.RunAsync(otherDir, "id", "--output", "json");
        Assert.True(id.ExitCode == 0, id.ToString());
        var otherPeer = JsonDocument.Parse(id.Stdout).RootElement.GetProperty("PeerID").GetString()!;

        var compute = cluster.Serve(cluster.NewDataDir(), "--compute", "--peer", $"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{otherPeer}",
            "--Compute.Auth.Token=tls-test-token", "--Compute.TLS.Enabled=true", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");

        var reason = $"refusing the TLS certificate of the NATS server at 127.0.0.1: its certificate belongs to peer {orchestratorPeer}, not {otherPeer}";
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(compute.Stdout.Contains(reason, StringComparison.Ordinal)), compute, "the TLS refusal");
        // Refused before NATS: it never reached the identity challenge or enrollment.
        Assert.DoesNotContain("proved to be peer", compute.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("refusing the orchestrator", compute.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("enrolled", compute.Stdout, StringComparison.Ordinal);

        // With a CA file as well, both must hold: the right peer with the CA of another cluster is refused too.
        var otherCa = Path.Combine(otherDir, "other-ca.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var ca = new CertificateRequest("CN=bacalhau cluster CA", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1)))
        {
            await File.WriteAllTextAsync(otherCa, ca.ExportCertificatePem());
        }

        var wrongCa = cluster.Serve(cluster.NewDataDir(), "--compute", "--peer", $"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{orchestratorPeer}",
            "--Compute.Auth.Token=tls-test-token", $"--Compute.TLS.CACert={otherCa}", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");
        await LocalCluster.WaitUntilAsync(
            () => Task.FromResult(wrongCa.Stdout.Contains("The remote certificate was rejected", StringComparison.Ordinal)), wrongCa, "the CA file's refusal");
        Assert.DoesNotContain("proved to be peer", wrongCa.Stdout, StringComparison.Ordinal);

        var nodes = await CliProcess.RunAsync(orchestratorDir, "node", "list", "--output", "json", "--api-port", $"{apiPort}");
        // The list holds the orchestrator itself; no compute node joined.
        Assert.DoesNotContain(JsonDocument.Parse(nodes.Stdout).RootElement.EnumerateArray(), n => n.GetProperty("Info").GetProperty("NodeType").GetString() == "Compute");
    }

    [Fact]
    public async Task Plaintext_is_refused_and_a_client_trusting_the_CA_passes_TLS_and_then_needs_credentials()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, _, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.TLS.Enabled=true");
        var url = $"nats://127.0.0.1:{natsPort}";

        // On the wire: the server announces TLS as required and answers a plaintext CONNECT and PING by closing.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", natsPort);
            var stream = tcp.GetStream();
            var info = await ReadLineAsync(stream);
            Assert.Contains("\"tls_required\":true", info, StringComparison.Ordinal);
            await stream.WriteAsync("CONNECT {\"verbose\":false}\r\nPING\r\n"u8.ToArray());
            var answer = await ReadToEndAsync(stream);
            Assert.DoesNotContain("PONG", answer, StringComparison.Ordinal);
        }

        // A NATS client that will not do TLS cannot connect.
        await using (var plain = new NatsConnection(NatsOpts.Default with { Url = url, TlsOpts = NatsTlsOpts.Default with { Mode = TlsMode.Disable }, MaxReconnectRetry = 0 }))
        {
            await Assert.ThrowsAnyAsync<NatsException>(async () => await plain.ConnectAsync());
        }

        // Trusting the cluster CA, the handshake succeeds (the certificate names 127.0.0.1): what stops it is authorization.
        var ca = Path.Combine(orchestratorDir, "orchestrator", "nats-auth", "ca.pem");
        await using var trusting = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            TlsOpts = NatsTlsOpts.Default with { CaFile = ca, Mode = TlsMode.Require },
            MaxReconnectRetry = 0,
        });
        var refused = await Assert.ThrowsAnyAsync<NatsException>(async () => await trusting.ConnectAsync());
        Assert.Contains("Authorization Violation", Describe(refused), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_compute_node_given_a_CA_file_that_does_not_exist_stops_in_one_line_naming_the_key()
    {
        await using var cluster = new LocalCluster();
        var computeDir = cluster.NewDataDir();
        var missing = Path.Combine(computeDir, "no-such-ca.pem");

        var serve = await CliProcess.RunAsync(computeDir, "serve", "--compute", $"--Compute.TLS.CACert={missing}", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");

        Assert.NotEqual(0, serve.ExitCode);
        Assert.Contains($"Compute.TLS.CACert: the CA file '{missing}' does not exist", serve.Stderr, StringComparison.Ordinal);
        Assert.Single(serve.Stderr.Trim().Split('\n'));
    }

    private static async Task<string> PeerIdOfAsync(int apiPort)
    {
        using var http = new HttpClient { Timeout = ReadTimeout };
        using var identity = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{apiPort}/api/v1/id")));
        return identity.RootElement.GetProperty("PeerID").GetString()!;
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, timeout.Token) == 1)
        {
            line.Append((char)buffer[0]);
        }

        return line.ToString();
    }

    /// <summary>What the server sends until it closes the connection (a reset counts as closed).</summary>
    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // Reset by the server.
        }

        return text.ToString();
    }

    private static string Describe(Exception exception)
    {
        var text = new StringBuilder();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            text.Append(e.Message).Append(" | ");
        }

        return text.ToString();
    }
}
