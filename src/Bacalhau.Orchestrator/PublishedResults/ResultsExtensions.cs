namespace Bacalhau.Orchestrator.PublishedResults;

internal static class ResultsExtensions
{
    private static readonly TimeSpan NodeConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The HTTP client that fetches <c>local</c> results from compute nodes for the API's clients.</summary>
    public static IServiceCollection AddLocalResultFetching(this IServiceCollection services)
    {
        services.AddSingleton<LocalResultFetcher>();
        services.AddDirectHttpClient(LocalResultFetcher.ClientName, NodeConnectTimeout, useProxy: true);
        return services;
    }
}
