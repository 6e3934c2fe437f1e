using System.Net.Http.Headers;

namespace Bacalhau.Client;

/// <summary>
/// Sends the credentials with requests to the orchestrator only: a result's URL may name another host, which must
/// never receive them.
/// </summary>
internal sealed class OriginCredentialsHandler(Uri orchestrator, AuthenticationHeaderValue authorization, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && IsOrchestrator(uri))
        {
            request.Headers.Authorization = authorization;
        }

        return base.SendAsync(request, cancellationToken);
    }

    private bool IsOrchestrator(Uri uri) =>
        Uri.Compare(uri, orchestrator, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
