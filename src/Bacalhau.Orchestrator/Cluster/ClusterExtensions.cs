using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bacalhau.Orchestrator.Cluster;

internal static class ClusterExtensions
{
    public static readonly TimeSpan LeaderConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The leadership of a lone orchestrator unless a replicated one is registered, this node's info with its role,
    /// and what a follower needs to pass the leader's requests on.
    /// </summary>
    public static IServiceCollection AddClusterForwarding(this IServiceCollection services)
    {
        services.TryAddSingleton<IClusterLeadership, LoneOrchestrator>();
        services.AddSingleton<OrchestratorNode>();
        services.AddSingleton<ForwardedClient>();
        services.AddSingleton<LeaderProxy>();
        // RemoveAllResilienceHandlers is marked experimental; it is the one way to opt a client out of the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(LeaderProxy.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The leader's answer goes back as it is, redirects included; cookies and proxies have no place between orchestrators.
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = LeaderConnectTimeout,
            })
            // Retrying would submit a job twice, and the default timeouts would cut off streams and long waits: the
            // client's own retry and the request's abort govern instead.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }

    /// <summary>On a follower, passes the leader's routes on to it; ahead of the rate limiter, which the leader applies.</summary>
    public static IApplicationBuilder UseLeaderForwarding(this IApplicationBuilder app) => app.UseMiddleware<LeaderForwardingMiddleware>();
}
