namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// A cluster whose compute replicas run containers on a private <see cref="DockerDaemon"/>. Failed executions
/// are not retried, so a failing job fails at once with its first execution's reason.
/// </summary>
public sealed class DockerClusterFixture : IAsyncLifetime, IDisposable
{
    public const int ComputeReplicas = 2;

    private DockerDaemon? _daemon;
    private ClusterFixture? _cluster;

    public ClusterFixture Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    internal DockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("the Docker daemon is not started");

    public async Task InitializeAsync()
    {
        _daemon = await DockerDaemon.StartAsync();
        _cluster = new ClusterFixture(ComputeReplicas, [$"--Compute:Docker:Host={_daemon.Host}", "--Orchestrator:Scheduler:MaxRetries=0"]);
        try
        {
            await _cluster.InitializeAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _cluster?.Dispose();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCluster : ICollectionFixture<DockerClusterFixture>
{
    public const string Name = "docker-cluster";
}
