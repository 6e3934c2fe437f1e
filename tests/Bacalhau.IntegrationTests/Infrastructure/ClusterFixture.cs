using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Bacalhau.Core.Models;
using Bacalhau.Core.Serialization;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// The whole AppHost (real nats-server, orchestrator, compute replicas) started once for a test class, with
/// a replica count other than the default and timings short enough for tests.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int ComputeReplicas = 2;
    public static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public string Token { get; } = Guid.NewGuid().ToString("N");

    public string DataDir { get; } = Directory.CreateTempSubdirectory("bacalhau-cluster-").FullName;

    public HttpClient Api { get; private set; } = null!;

    public string NatsUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bacalhau_AppHost>(
            [
                $"--Cluster:ComputeReplicas={ComputeReplicas}",
                "--Cluster:ApiPort=0",
                $"--Cluster:DataDir={DataDir}",
                $"--Parameters:nats-token={Token}",
                $"--Orchestrator:NodeManager:DisconnectTimeout={DisconnectTimeout}",
                $"--Compute:Heartbeat:Interval={HeartbeatInterval}",
            ],
            (options, _) => options.DisableDashboard = true);

        _app = await builder.BuildAsync().WaitAsync(StartTimeout);
        await _app.StartAsync().WaitAsync(StartTimeout);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("orchestrator").WaitAsync(StartTimeout);
        Api = _app.CreateHttpClient("orchestrator", "http");
        NatsUrl = await _app.GetConnectionStringAsync("nats") ?? throw new InvalidOperationException("nats has no connection string");
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }

    public async Task<IReadOnlyList<NodeState>> ListNodesAsync()
    {
        var response = await Api.GetFromJsonAsync("/api/v1/orchestrator/nodes", BacalhauJsonContext.Default.ListNodesResponse);
        return response?.Nodes ?? [];
    }

    public async Task<NodeState?> FindNodeAsync(string nodeId) => (await ListNodesAsync()).FirstOrDefault(n => n.Info.NodeID == nodeId);

    /// <summary>Waits until <paramref name="nodeId"/> is listed with <paramref name="status"/>.</summary>
    public Task<NodeState> WaitForNodeAsync(string nodeId, NodeConnectionStatus status, TimeSpan timeout) =>
        Eventually.WaitAsync(
            async () => await FindNodeAsync(nodeId) is { } node && node.ConnectionState.Status == status ? node : null,
            timeout,
            $"node {nodeId} to be {status}");

    /// <summary>Starts one more compute node as a separate process against this cluster's NATS.</summary>
    public ComputeNodeProcess StartComputeNode(string dataDir, string? token = null) =>
        ComputeNodeProcess.Start(NatsUrl, token ?? Token, dataDir, HeartbeatInterval);
}
