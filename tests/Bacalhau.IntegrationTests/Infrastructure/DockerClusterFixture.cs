using Bacalhau.Contracts.Models.Jobs;

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

    /// <summary>
    /// Waits until every compute node offers the ipfs publisher: a node offers it only once it has reached the object
    /// store bucket, which on a busy machine can be after it joined.
    /// </summary>
    public Task WaitForIpfsAsync() => Eventually.WaitAsync(
        async () => await Cluster.WaitForReplicasAsync() is var nodes && nodes.All(n => n.Info.ComputeNodeInfo!.Publishers.Contains(PublisherTypes.Ipfs)) ? nodes : null,
        TimeSpan.FromMinutes(3),
        "every compute node to offer the ipfs publisher");

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
