using Bacalhau.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.PublishedResults;

internal static class ResultsExtensions
{
    private static readonly TimeSpan NodeConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What hands published results to the API's clients: the HTTP client that fetches <c>local</c> results from
    /// compute nodes, and the signer of <c>s3</c> results' download URLs.
    /// </summary>
    public static IServiceCollection AddPublishedResults(this IServiceCollection services)
    {
        services.AddOptions<S3ResultOptions>().BindConfiguration(S3ResultOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<S3ResultOptions>, S3ResultOptionsValidation>();
        services.TryAddSingleton<S3Clients>();
        services.AddSingleton<S3ResultSigner>();
        services.AddSingleton<LocalResultFetcher>();
        services.AddDirectHttpClient(LocalResultFetcher.ClientName, NodeConnectTimeout, useProxy: true);
        return services;
    }
}
