using Bacalhau.Core.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Bacalhau.AppHost.Nats;

/// <summary>
/// Our own NATS integration (Aspire's is not available to us): the real <c>nats-server</c> as an executable in
/// run mode, the <c>nats</c> container in publish mode (deployment targets take containers, not executables),
/// JetStream on and an auth token in both. A health check connects as a real client, so <c>WaitFor(nats)</c>
/// means "accepting clients".
/// </summary>
public static class NatsResourceBuilderExtensions
{
    public const string ContainerImage = "library/nats";
    public const string ContainerTag = "2.10";

    public static IResourceBuilder<IResourceWithConnectionString> AddNats(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> token,
        string? storeDirectory)
    {
        IResourceBuilder<IResourceWithConnectionString> nats;
        if (builder.ExecutionContext.IsPublishMode)
        {
            nats = builder.AddResource(new NatsContainerResource(name))
                .WithImage(ContainerImage, ContainerTag)
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: NatsEndpoint.DefaultPort, name: NatsEndpoint.Name, scheme: "tcp")
                .WithArgs("-js", "-sd", "/data", "--auth", token);
        }
        else
        {
            var executable = NatsServerBinary.Find()
                ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
            var store = storeDirectory ?? Path.Combine(builder.AppHostDirectory, ".data", "nats");
            Directory.CreateDirectory(store);
            var resource = new NatsServerResource(name, executable, builder.AppHostDirectory);
            nats = builder.AddResource(resource)
                .WithEndpoint(name: NatsEndpoint.Name, scheme: "tcp", isProxied: false)
                .WithArgs(context =>
                {
                    var endpoint = resource.GetEndpoint(NatsEndpoint.Name);
                    context.Args.Add("--addr");
                    context.Args.Add("127.0.0.1");
                    context.Args.Add("--port");
                    context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                    context.Args.Add("--jetstream");
                    context.Args.Add("--store_dir");
                    context.Args.Add(store);
                    context.Args.Add("--auth");
                    context.Args.Add(token.Resource);
                });
        }

        var healthCheckKey = $"{name}_client_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            try
            {
                var url = await nats.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await using var client = new NatsConnection(new NatsOpts
                {
                    Url = url!,
                    AuthOpts = NatsAuthOpts.Default with { Token = await token.Resource.GetValueAsync(cancellationToken) },
                    ConnectTimeout = TimeSpan.FromSeconds(2),
                    MaxReconnectRetry = 0,
                });
                await client.ConnectAsync();
                await client.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NatsException or InvalidOperationException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy(ex.Message, ex);
            }
        });

        return nats.WithHealthCheck(healthCheckKey);
    }
}
