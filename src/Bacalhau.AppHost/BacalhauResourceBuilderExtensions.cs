using Bacalhau.AppHost.Nats;
using Microsoft.Extensions.Configuration;

namespace Bacalhau.AppHost;

public static class BacalhauResourceBuilderExtensions
{
    /// <summary>
    /// Gives a node its data directory (run mode only: a local path must not reach a deployment manifest) and
    /// forwards the AppHost's configuration section of the same name (<c>Orchestrator</c>, <c>Compute</c>), so any
    /// Bacalhau key can be set for the whole cluster from the AppHost's settings or command line.
    /// </summary>
    public static IResourceBuilder<T> WithBacalhauConfiguration<T>(
        this IResourceBuilder<T> builder,
        IConfiguration configuration,
        string sectionName,
        string? dataDir)
        where T : IResourceWithEnvironment
    {
        if (dataDir is not null)
        {
            builder.WithEnvironment("BACALHAU_DIR", dataDir);
        }

        foreach (var (key, value) in configuration.GetSection(sectionName).AsEnumerable())
        {
            if (value is not null)
            {
                builder.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return builder;
    }

    /// <summary>
    /// Tells an orchestrator where the dashboard runs (its first URL, run mode only), so that its web UI links a job to the
    /// job's traces there. Only the address: the dashboard's login token never leaves the AppHost.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardLink(this IResourceBuilder<ProjectResource> builder, IDistributedApplicationBuilder app)
    {
        if (!app.ExecutionContext.IsPublishMode
            && app.Configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var dashboard, ..])
        {
            builder.WithEnvironment("Orchestrator__WebUi__DashboardUrl", dashboard);
        }

        return builder;
    }

    /// <summary>
    /// An orchestrator of a replicated cluster: the cluster's name and the route URLs of the other orchestrators'
    /// servers (<c>Orchestrator:Cluster:Peers</c>, one entry each).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithClusterPeers(this IResourceBuilder<ProjectResource> builder, string clusterName, IEnumerable<IResourceBuilder<INatsServerResource>> peers)
    {
        builder.WithEnvironment("Orchestrator__Cluster__Name", clusterName);
        foreach (var (peer, index) in peers.Select((peer, index) => (peer, index)))
        {
            var routes = peer.Resource.GetEndpoint(NatsEndpoint.ClusterName);
            builder.WithEnvironment(
                $"Orchestrator__Cluster__Peers__{index}",
                ReferenceExpression.Create($"nats://{routes.Property(EndpointProperty.Host)}:{routes.Property(EndpointProperty.Port)}"));
        }

        return builder;
    }
}
