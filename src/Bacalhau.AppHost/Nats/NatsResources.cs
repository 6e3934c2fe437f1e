namespace Bacalhau.AppHost.Nats;

/// <summary>The real <c>nats-server</c> run as a local process (run mode), in operator mode.</summary>
public sealed class NatsServerResource(string name, string command, string workingDirectory, string accountSeedFile)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The cluster account's key (a 0600 file): whoever holds it signs users, so only the orchestrator gets its path.</summary>
    public string AccountSeedFile { get; } = accountSeedFile;

    public ReferenceExpression ConnectionStringExpression => NatsEndpoint.ConnectionString(this);
}

/// <summary>The <c>nats</c> image (publish mode): the same name and connection string, so references do not change.</summary>
public sealed class NatsContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => NatsEndpoint.ConnectionString(this);
}

internal static class NatsEndpoint
{
    public const string Name = "tcp";
    public const int DefaultPort = 4222;

    public static ReferenceExpression ConnectionString(IResourceWithEndpoints resource)
    {
        var endpoint = resource.GetEndpoint(Name);
        return ReferenceExpression.Create($"nats://{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");
    }
}
