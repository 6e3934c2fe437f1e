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
        // Proxies have no place between orchestrators.
        services.AddDirectHttpClient(LeaderProxy.ClientName, LeaderConnectTimeout, useProxy: false);
        return services;
    }

    /// <summary>On a follower, passes the leader's routes on to it; ahead of the rate limiter, which the leader applies.</summary>
    public static IApplicationBuilder UseLeaderForwarding(this IApplicationBuilder app) => app.UseMiddleware<LeaderForwardingMiddleware>();
}
