using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

/// <summary>
/// The <c>urlDownload</c> source: fetches <c>Params.URL</c> (http or https) into the working directory. The file
/// appears at the target itself, or, when the target ends with '/', inside that directory under the URL's last
/// path segment.
/// </summary>
internal sealed class UrlDownloadSource(IHttpClientFactory clients, IOptions<InputSourcesOptions> options) : IInputSource
{
    /// <summary>The named client: no retries or per-attempt timeouts, which would cut large downloads short.</summary>
    public const string ClientName = "urlDownload";

    public string Type => SourceTypes.UrlDownload;

    public async Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken)
    {
        var url = ParseUrl(input.Source);
        var file = stagingPath;
        if (input.Target.EndsWith('/'))
        {
            Directory.CreateDirectory(stagingPath);
            file = Path.Combine(stagingPath, InputStager.SafeFileName(Uri.UnescapeDataString(url.Segments[^1]), "download"));
        }

        var readTimeout = options.Value.ReadTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(readTimeout);
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new InputException($"urlDownload: {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using var target = File.Create(file);
            await response.Content.CopyToAsync(target, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new InputException($"urlDownload: could not fetch {url}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"urlDownload: {url} took longer than {readTimeout} (InputSources.ReadTimeout)", ex);
        }

        return stagingPath;
    }

    private static Uri ParseUrl(SpecConfig source)
    {
        var text = source.TryGetParam("URL", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InputException($"urlDownload source needs Params.URL with an http or https URL, got '{text}'");
        }

        return url;
    }
}
