using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary><c>bacalhau serve</c> as users run it: real processes, a real embedded nats-server, loopback only.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task A_compute_node_joins_with_the_token_in_the_orchestrator_address()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync();
        // The orchestrator generated its token and kept it in its config file.
        var token = (await CliProcess.RunAsync(orchestratorDir, "config", "get", "Orchestrator.Auth.Token")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{32}$", token);

        var computeDir = cluster.NewDataDir();
        var compute = cluster.Serve(computeDir, "--compute", $"--Compute.Orchestrators={token}@127.0.0.1:{natsPort}", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1");

        var ids = await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 1, compute);
        Assert.Equal([LocalCluster.ComputeNodeId(computeDir)], ids);
    }

    [Fact]
    public async Task A_compute_node_joins_with_the_token_in_its_config_file_and_the_address_given_with_config()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.Auth.Token=shared-secret");

        var computeDir = cluster.NewDataDir();
        var set = await CliProcess.RunAsync(computeDir, "config", "set", "Compute.Auth.Token=shared-secret");
        Assert.True(set.ExitCode == 0, set.ToString());
        var compute = cluster.Serve(computeDir, "--compute", "--config", $"Compute.Orchestrators=127.0.0.1:{natsPort}", "--host", "127.0.0.1");

        var ids = await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 1, compute);
        Assert.Equal([LocalCluster.ComputeNodeId(computeDir)], ids);
    }

    [Fact]
    public async Task A_compute_node_joins_with_peer_given_as_the_orchestrator_s_API_in_the_seed_form()
    {
        await using var cluster = new LocalCluster();
        var (orchestratorDir, apiPort, natsPort) = await cluster.StartOrchestratorAsync("--Orchestrator.Auth.Token=shared-secret");
        var orchestratorPeer = (await CliProcess.RunAsync(orchestratorDir, "id", "--port", $"{natsPort}", "--output", "json")).Stdout;

        var computeDir = cluster.NewDataDir();
        var compute = cluster.Serve(computeDir, "--compute", "--Compute.Auth.Token=shared-secret", "--peer", $"/ip4/127.0.0.1/tcp/{apiPort}/http", "--host", "127.0.0.1");

        var ids = await LocalCluster.WaitForConnectedComputeNodesAsync(orchestratorDir, apiPort, 1, compute);
        Assert.Equal([LocalCluster.ComputeNodeId(computeDir)], ids);
        // The API told it the NATS port and the peer ID, which the orchestrator then had to prove.
        using var identity = System.Text.Json.JsonDocument.Parse(orchestratorPeer);
        Assert.Contains($"/ip4/127.0.0.1/tcp/{natsPort}/p2p/{identity.RootElement.GetProperty("PeerID").GetString()}", compute.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seed_form_peer_whose_API_does_not_answer_is_a_one_line_error()
    {
        await using var cluster = new LocalCluster();
        var port = LocalCluster.FreePort();

        var result = await CliProcess.RunAsync(cluster.NewDataDir(), "serve", "--compute", "--peer", $"/ip4/127.0.0.1/tcp/{port}/http");

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Error: --peer /ip4/127.0.0.1/tcp/{port}/http: cannot learn the orchestrator's peer ID and NATS port from http://127.0.0.1:{port}/", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hybrid_node_on_a_fresh_data_dir_is_its_own_single_compute_node()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = LocalCluster.FreePort();
        var node = cluster.Serve(
            dataDir, "--orchestrator", "--compute", "--api-port", $"{apiPort}", "--host", "127.0.0.1",
            "--port", $"{LocalCluster.FreePort()}", "--Orchestrator.Host=127.0.0.1");

        var ids = await LocalCluster.WaitForConnectedComputeNodesAsync(dataDir, apiPort, 1, node);
        Assert.Equal([LocalCluster.ComputeNodeId(dataDir)], ids);

        // A graceful stop takes the embedded nats-server with it.
        await node.StopAsync(TimeSpan.FromSeconds(20));
        Assert.True(node.HasExited);
        Assert.DoesNotContain("nats-server exited", node.Stdout, StringComparison.Ordinal);
    }
}
