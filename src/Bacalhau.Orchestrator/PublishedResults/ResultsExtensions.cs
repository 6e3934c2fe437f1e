namespace Bacalhau.Orchestrator.PublishedResults;

internal static class ResultsExtensions
{
    private static readonly TimeSpan NodeConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The HTTP client that fetches <c>local</c> results from compute nodes for the API's clients.</summary>
    public static IServiceCollection AddLocalResultFetching(this IServiceCollection services)
    {
        services.AddSingleton<LocalResultFetcher>();
        // RemoveAllResilienceHandlers is marked experimental; it is the one way to opt a client out of the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(LocalResultFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Only the URL the node reported, checked for its shape, is fetched: a redirect could lead anywhere.
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = NodeConnectTimeout,
            })
            // The default total timeout would cut off large archives; the client's request governs instead.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }
}
