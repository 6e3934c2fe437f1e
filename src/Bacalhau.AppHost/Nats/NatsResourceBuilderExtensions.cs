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

    public static IResourceBuilder<IResourceWithConnectionString> AddNats(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> token,
        string? storeDirectory)
    {
        IResourceBuilder<IResourceWithConnectionString> nats;
        Func<CancellationToken, Task<NatsAuthOpts>> clientAuth;
        if (builder.ExecutionContext.IsPublishMode)
        {
            nats = builder.AddResource(new NatsContainerResource(name))
                .WithImage(ContainerImage, ContainerTag)
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: NatsEndpoint.DefaultPort, name: NatsEndpoint.Name, scheme: "tcp")
                .WithArgs("-js", "-sd", "/data", "--auth", token);
            clientAuth = async cancellationToken => NatsAuthOpts.Default with { Token = await token.Resource.GetValueAsync(cancellationToken) };
        }
        else
        {
            var executable = NatsServerBinary.Find()
                ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
            var store = storeDirectory ?? Path.Combine(builder.AppHostDirectory, ".data", "nats");
            var keysDirectory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store))!, $"{name}-auth");
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
                    var port = await resource.GetEndpoint(NatsEndpoint.Name).Property(EndpointProperty.TargetPort).GetValueAsync(context.CancellationToken);
                    var config = NatsServerConfig.Write(
                        keysDirectory,
                        await token.Resource.GetValueAsync(context.CancellationToken) ?? throw new InvalidOperationException($"the {token.Resource.Name} parameter has no value"),
                        "127.0.0.1",
                        int.Parse(port!, CultureInfo.InvariantCulture),
                        store);
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
}
