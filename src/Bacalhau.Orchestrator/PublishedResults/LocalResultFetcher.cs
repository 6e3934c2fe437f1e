using System.Security.Cryptography;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;
using Bacalhau.Orchestrator.Api;

namespace Bacalhau.Orchestrator.PublishedResults;

/// <summary>
/// Fetches a <c>local</c> publisher's archive from the compute node that keeps it, for a client that cannot reach the
/// node or must not be sent there. The URL is the node's word, so only the shape the node's store gives out is
/// fetched (<c>http(s)://host:port/results/&lt;sha256&gt;.tar.gz</c>), at most <see cref="MaxArchiveBytes"/>, and the
/// bytes are handed on only when they hash to the name.
/// </summary>
internal sealed partial class LocalResultFetcher(IHttpClientFactory clients, ILogger<LocalResultFetcher> logger)
{
    public const string ClientName = "local-results";

    /// <summary>Far above any result the nodes keep; bounds what one request may make this orchestrator store.</summary>
    public const long MaxArchiveBytes = 8L * 1024 * 1024 * 1024;

    private const string PathPrefix = "/results/";

    /// <summary>Where <paramref name="published"/> says the archive is, or why it cannot be fetched.</summary>
    public static bool TryLocate(SpecConfig published, out Uri url, out byte[] sha256, out string problem)
    {
        (url, sha256, problem) = (null!, [], "");
        if (!published.TryGetParam("URL", out var value) || value.ValueKind != System.Text.Json.JsonValueKind.String
            || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out var parsed))
        {
            problem = "the node reported no URL for it";
            return false;
        }

        if (parsed.Scheme is not ("http" or "https") || parsed.UserInfo.Length > 0 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0
            || !parsed.AbsolutePath.StartsWith(PathPrefix, StringComparison.Ordinal)
            || ResultArchiveName.Sha256Of(parsed.AbsolutePath[PathPrefix.Length..]) is not { } digest)
        {
            problem = "the node reported a URL that is not one of a result archive";
            return false;
        }

        (url, sha256) = (parsed, digest);
        return true;
    }

    /// <summary>The archive in a temporary file, positioned at its start; throws <see cref="ResultFetchException"/> when it cannot be had whole.</summary>
    public async Task<FileStream> FetchAsync(Uri url, byte[] sha256, CancellationToken cancellationToken)
    {
        var file = TemporaryFiles.Create();
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ResultFetchException($"the node answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxArchiveBytes)
            {
                throw new ResultFetchException($"it is larger than {MaxArchiveBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > MaxArchiveBytes)
                {
                    throw new ResultFetchException($"it is larger than {MaxArchiveBytes} bytes");
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(sha256))
            {
                throw new ResultFetchException("its bytes do not hash to its name");
            }

            file.Position = 0;
            return file;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ResultFetchException && !cancellationToken.IsCancellationRequested)
        {
            await file.DisposeAsync();
            LogFetchFailed(logger, url.ToString(), ex.Message);
            throw ex as ResultFetchException ?? new ResultFetchException(ex.Message);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the result archive {Url} from its node: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string url, string reason);
}

/// <summary>A node's result archive that could not be fetched whole and true.</summary>
internal sealed class ResultFetchException(string message) : Exception(message);
