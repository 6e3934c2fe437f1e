namespace Bacalhau.AppHost.Nats;

/// <summary>A NATS server of the model, run or published; joined to others by routes when <see cref="Cluster"/> is set.</summary>
public interface INatsServerResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithArgs
{
    /// <summary>The cluster this server joins (<see cref="NatsResourceBuilderExtensions.JoinCluster"/>); null alone.</summary>
    NatsClusterRoutes? Cluster { get; set; }
}

/// <summary>The servers of one NATS cluster; each routes to all of them (nats-server skips the route to itself).</summary>
public sealed record NatsClusterRoutes(string Name, IReadOnlyList<INatsServerResource> Members);

/// <summary>The real <c>nats-server</c> run as a local process (run mode), in operator mode.</summary>
public sealed class NatsServerResource(string name, string command, string workingDirectory, string accountSeedFile)
    : ExecutableResource(name, command, workingDirectory), INatsServerResource
{
    /// <summary>The cluster account's key (a 0600 file): whoever holds it signs users, so only the orchestrator gets its path.</summary>
    public string AccountSeedFile { get; } = accountSeedFile;

    public NatsClusterRoutes? Cluster { get; set; }

    public ReferenceExpression ConnectionStringExpression => NatsEndpoint.ConnectionString(this);
}

/// <summary>The <c>nats</c> image (publish mode): the same name and connection string, so references do not change.</summary>
public sealed class NatsContainerResource(string name) : ContainerResource(name), INatsServerResource
{
    public NatsClusterRoutes? Cluster { get; set; }

    public ReferenceExpression ConnectionStringExpression => NatsEndpoint.ConnectionString(this);
}

internal static class NatsEndpoint
{
    public const string Name = "tcp";
    public const int DefaultPort = 4222;

    /// <summary>The route listener of a server in a cluster.</summary>
    public const string ClusterName = "cluster";

    public static ReferenceExpression ConnectionString(IResourceWithEndpoints resource)
    {
        var endpoint = resource.GetEndpoint(Name);
        return ReferenceExpression.Create($"nats://{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");
    }
}
