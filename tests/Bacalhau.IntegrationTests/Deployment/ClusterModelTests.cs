using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bacalhau.AppHost.Nats;

namespace Bacalhau.IntegrationTests.Deployment;

/// <summary>The local model with three orchestrators, read as the AppHost declares it: nothing is started.</summary>
public sealed class ClusterModelTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cluster-model-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Three_orchestrators_get_three_nats_servers_of_one_cluster_with_shared_keys_and_consecutive_api_ports()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bacalhau_AppHost>(
            ["--Cluster:Orchestrators=3", $"--Cluster:DataDir={_dataDir}"],
            (options, _) => options.DisableDashboard = true);

        var servers = builder.Resources.OfType<NatsServerResource>().OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["nats", "nats-1", "nats-2"], servers.Select(s => s.Name));
        Assert.All(servers, server =>
        {
            Assert.Equal("bacalhau", server.Cluster?.Name);
            Assert.Equal(servers.Select(s => s.Name), server.Cluster!.Members.Select(m => m.Name));
            Assert.Contains(server.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "cluster" && !e.IsProxied);
        });
        // One set of keys for the cluster, apart from a lone server's.
        Assert.Single(servers.Select(s => s.AccountSeedFile).Distinct());
        Assert.StartsWith(Path.Combine(_dataDir, "nats-cluster"), servers[0].AccountSeedFile, StringComparison.Ordinal);

        var orchestrators = builder.Resources.OfType<ProjectResource>().Where(p => p.Name.StartsWith("orchestrator", StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["orchestrator", "orchestrator-1", "orchestrator-2"], orchestrators.Select(o => o.Name));
        Assert.Equal([1234, 1235, 1236], orchestrators.Select(o => o.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port));
    }

    [Fact]
    public async Task One_orchestrator_keeps_the_single_server_model()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bacalhau_AppHost>(
            [$"--Cluster:DataDir={_dataDir}"],
            (options, _) => options.DisableDashboard = true);

        var server = Assert.Single(builder.Resources.OfType<NatsServerResource>());
        Assert.Equal("nats", server.Name);
        Assert.Null(server.Cluster);
        Assert.DoesNotContain(server.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "cluster");
        Assert.Equal(Path.Combine(_dataDir, "nats-auth", "account.nk"), server.AccountSeedFile);
        Assert.Single(builder.Resources.OfType<ProjectResource>(), p => p.Name.StartsWith("orchestrator", StringComparison.Ordinal));
    }
}
