namespace Bacalhau.Orchestrator;

internal static class DirectHttpClients
{
    /// <summary>
    /// A named client for requests from this orchestrator straight to another node (the leader, a compute node's
    /// results): no redirects, since the answer goes back as it is or the checked URL alone is fetched; no cookies;
    /// and none of the default resilience handlers, whose retries could submit a job twice and whose total timeout
    /// would cut off streams, long waits and large archives: the caller's request governs instead.
    /// </summary>
    public static IHttpClientBuilder AddDirectHttpClient(this IServiceCollection services, string name, TimeSpan connectTimeout, bool useProxy)
    {
        // RemoveAllResilienceHandlers is marked experimental; it is the one way to opt a client out of the defaults.
#pragma warning disable EXTEXP0001
        return services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = useProxy,
                ConnectTimeout = connectTimeout,
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
