using System.Globalization;
using Bacalhau.NatsHosting;
using Bacalhau.NatsHosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Bacalhau.AppHost.Nats;

/// <summary>
/// Our own NATS integration (Aspire's is not available to us): the real <c>nats-server</c> as an executable in
/// run mode, in operator mode (<see cref="NatsClusterKeys"/>: users signed by the cluster's account, nodes enrolled
/// with the token), the <c>nats</c> container in publish mode (deployment targets take containers, not executables)
/// with the token alone; JetStream on in both. A health check connects as a real client, so <c>WaitFor(nats)</c>
/// means "accepting clients".
/// </summary>
public static class NatsResourceBuilderExtensions
{
    public const string ContainerImage = "library/nats";
    public const string ContainerTag = "2.10";

    private const string ContainerStore = "/data";

    /// <summary>
    /// A NATS server named <paramref name="name"/>. Run mode keeps its JetStream store in <paramref name="storeDirectory"/>
    /// and its keys in <paramref name="keysDirectory"/> (default: <c>{name}-auth</c> beside the store; servers of one
    /// cluster share one); publish mode keeps the store on a volume of its own.
    /// </summary>
    public static IResourceBuilder<INatsServerResource> AddNats(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> token,
        string? storeDirectory,
        string? keysDirectory = null)
    {
        IResourceBuilder<INatsServerResource> nats;
        Func<CancellationToken, Task<NatsAuthOpts>> clientAuth;
        if (builder.ExecutionContext.IsPublishMode)
        {
            nats = builder.AddResource(new NatsContainerResource(name))
                .WithImage(ContainerImage, ContainerTag)
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: NatsEndpoint.DefaultPort, name: NatsEndpoint.Name, scheme: "tcp")
                // The JetStream store (the content bucket, replicated state) outlives a new revision of the container.
                .WithVolume($"{name}-data", ContainerStore)
                .WithArgs("-js", "-sd", ContainerStore, "--auth", token);
            clientAuth = async cancellationToken => NatsAuthOpts.Default with { Token = await token.Resource.GetValueAsync(cancellationToken) };
        }
        else
        {
            var executable = NatsServerBinary.Find()
                ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
            var store = storeDirectory ?? Path.Combine(builder.AppHostDirectory, ".data", "nats");
            keysDirectory ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store))!, $"{name}-auth");
            string accountSeedFile;
            using (var keys = NatsClusterKeys.LoadOrCreate(keysDirectory))
            {
                accountSeedFile = keys.AccountSeedPath;
            }

            // Aspire runs and stops the process (its DCP outlives a killed AppHost to do so); the 0600 config file, the
            // arguments and the readiness probe are the launcher's own (NatsServerConfig, NatsServerReadiness).
            var resource = new NatsServerResource(name, executable, builder.AppHostDirectory, accountSeedFile);
            nats = builder.AddResource(resource)
                .WithEndpoint(name: NatsEndpoint.Name, scheme: "tcp", isProxied: false)
                .WithArgs(async context =>
                {
                    var config = NatsServerConfig.Write(
                        keysDirectory,
                        await token.Resource.GetValueAsync(context.CancellationToken) ?? throw new InvalidOperationException($"the {token.Resource.Name} parameter has no value"),
                        "127.0.0.1",
                        await TargetPortAsync(resource, NatsEndpoint.Name, context.CancellationToken),
                        store,
                        cluster: await ClusterOfAsync(resource, context.CancellationToken));
                    foreach (var argument in config.Arguments)
                    {
                        context.Args.Add(argument);
                    }
                });
            clientAuth = _ =>
            {
                using var signer = NatsAccountSigner.Load(accountSeedFile);
                return Task.FromResult(signer.ServiceUser($"{name} health check"));
            };
        }

        var healthCheckKey = $"{name}_client_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            try
            {
                var url = await nats.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await NatsServerReadiness.ProbeAsync(url!, await clientAuth(cancellationToken), caFile: null, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NatsException or InvalidOperationException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy(ex.Message, ex);
            }
        });

        return nats.WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Joins <paramref name="servers"/> into the NATS cluster <paramref name="clusterName"/>: each gets a route
    /// endpoint and routes to all, so that they form one JetStream cluster. Run mode writes the routes, authorized by
    /// the keys the servers share, into each one's config file; published containers take them as arguments (the
    /// deployment's private network between them, no route credentials).
    /// </summary>
    public static void JoinCluster(this IReadOnlyList<IResourceBuilder<INatsServerResource>> servers, string clusterName)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var routes = new NatsClusterRoutes(clusterName, [.. servers.Select(s => s.Resource)]);
        foreach (var server in servers)
        {
            server.Resource.Cluster = routes;
            if (server.Resource is NatsContainerResource)
            {
                server
                    .WithEndpoint(targetPort: NatsServerCluster.DefaultPort, name: NatsEndpoint.ClusterName, scheme: "tcp")
                    .WithArgs("--name", server.Resource.Name, "--cluster_name", clusterName, "--cluster", $"nats://0.0.0.0:{NatsServerCluster.DefaultPort}", "--routes", RoutesOf(routes));
            }
            else
            {
                server.WithEndpoint(name: NatsEndpoint.ClusterName, scheme: "tcp", isProxied: false);
            }
        }
    }

    /// <summary>The route URL of every member, comma-separated, as the container's <c>--routes</c> takes them.</summary>
    private static ReferenceExpression RoutesOf(NatsClusterRoutes routes)
    {
        var expression = new ReferenceExpressionBuilder();
        foreach (var member in routes.Members)
        {
            if (!expression.IsEmpty)
            {
                expression.AppendLiteral(",");
            }

            var endpoint = member.GetEndpoint(NatsEndpoint.ClusterName);
            expression.Append($"nats://{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");
        }

        return expression.Build();
    }

    /// <summary>How a server run locally joins its cluster, once every member's route port is allocated; null alone.</summary>
    private static async Task<NatsServerCluster?> ClusterOfAsync(NatsServerResource resource, CancellationToken cancellationToken)
    {
        if (resource.Cluster is not { } routes)
        {
            return null;
        }

        var urls = new List<string>();
        foreach (var member in routes.Members)
        {
            urls.Add(NatsServerCluster.RouteUrl("127.0.0.1", await TargetPortAsync(member, NatsEndpoint.ClusterName, cancellationToken)));
        }

        return new NatsServerCluster(resource.Name, routes.Name, "127.0.0.1", await TargetPortAsync(resource, NatsEndpoint.ClusterName, cancellationToken), Advertise: null, urls);
    }

    private static async Task<int> TargetPortAsync(IResourceWithEndpoints resource, string endpoint, CancellationToken cancellationToken) =>
        int.Parse(
            await resource.GetEndpoint(endpoint).Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"{resource.Name} has no port for its {endpoint} endpoint"),
            CultureInfo.InvariantCulture);
}
