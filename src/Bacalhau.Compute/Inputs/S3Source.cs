using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;
using Bacalhau.JobSpecs.S3;
using Bacalhau.S3;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

/// <summary>
/// Bacalhau's <c>s3</c> source: one object, or every object under a prefix (a key ending with '/' or '*', filtered by
/// <c>Params.Filter</c>), downloaded with this node's credentials into a directory mounted at the target. Each object
/// lands under its key less the prefix's folder part (<c>data/a.csv</c> of <c>s3://b/data/</c> is <c>a.csv</c>), as
/// Bacalhau lays them out; a key that would not stay inside the directory fails the execution. One object's
/// <c>VersionID</c> is fetched and its <c>ChecksumSHA256</c> checked against the bytes downloaded. Bounded by
/// <c>InputSources.MaxS3Size</c>, <see cref="MaxObjects"/> and <c>InputSources.ReadTimeout</c>.
/// </summary>
internal sealed class S3Source(S3Clients clients, IOptions<InputSourcesOptions> options) : IInputSource
{
    /// <summary>The most objects one input may bring.</summary>
    public const int MaxObjects = 100_000;

    private static readonly TimeSpan FilterTimeout = TimeSpan.FromSeconds(1);

    public string Type => SourceTypes.S3;

    public async Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken)
    {
        if (!S3SourceSpec.TryParse(input.Source, out var spec, out var problem))
        {
            throw new InputException($"s3 source: {problem}");
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ReadTimeout);
        var current = spec.Key;
        try
        {
            using var client = clients.Create(spec.Endpoint, spec.Region);
            var objects = await FindAsync(client.Api, spec, settings.MaxS3Size, timeout.Token);
            Directory.CreateDirectory(stagingPath);
            var budget = settings.MaxS3Size;
            foreach (var found in objects)
            {
                current = found.Key;
                budget -= await DownloadAsync(client.Api, spec, found, LocalPath(stagingPath, spec, found.Key), budget, timeout.Token);
            }
        }
        catch (S3AccessException ex)
        {
            throw new InputException($"s3: {ex.Message}", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new InputException($"s3: {S3Errors.Describe(ex, spec.Bucket, current)}", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new InputException($"s3: s3://{spec.Bucket}/{current}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"s3: s3://{spec.Bucket}/{spec.Key} took longer than {settings.ReadTimeout} (InputSources.ReadTimeout)", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or UnauthorizedAccessException or RegexMatchTimeoutException)
        {
            throw new InputException($"s3: s3://{spec.Bucket}/{current} could not be downloaded: {ex.Message}", ex);
        }

        return stagingPath;
    }

    /// <summary>The objects to fetch, as Bacalhau finds them: the object named when there is one, else the listing of the prefix.</summary>
    private static async Task<List<FoundObject>> FindAsync(IAmazonS3 s3, S3SourceSpec spec, long maxSize, CancellationToken cancellationToken)
    {
        if (!spec.IsPrefix)
        {
            var head = await s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest
                {
                    BucketName = spec.Bucket,
                    Key = spec.Key,
                    VersionId = spec.VersionID.Length > 0 ? spec.VersionID : null,
                    ChecksumMode = spec.ChecksumSHA256.Length > 0 ? ChecksumMode.ENABLED : null,
                },
                cancellationToken);
            // A folder made by a console is an empty object of this type: its content is listed instead.
            if (head.Headers.ContentType?.StartsWith("application/x-directory", StringComparison.Ordinal) != true)
            {
                if (head.ContentLength > maxSize)
                {
                    throw new InputException(string.Create(CultureInfo.InvariantCulture, $"s3: s3://{spec.Bucket}/{spec.Key} is {head.ContentLength} bytes, more than {maxSize} (InputSources.MaxS3Size)"));
                }

                return [new FoundObject(spec.Key, head.ETag, head.ChecksumSHA256)];
            }
        }

        var filter = spec.Filter.Length > 0 ? new Regex(spec.Filter, RegexOptions.None, FilterTimeout) : null;
        var found = new List<FoundObject>();
        long size = 0;
        string? continuation = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = spec.Bucket, Prefix = spec.Prefix, ContinuationToken = continuation }, cancellationToken);
            foreach (var listed in page.S3Objects ?? [])
            {
                // A key outside the prefix is the store's mistake, never followed.
                if (!listed.Key.StartsWith(spec.Prefix, StringComparison.Ordinal) || listed.Key.EndsWith('/')
                    || (filter is not null && !filter.IsMatch(listed.Key[spec.Prefix.Length..])))
                {
                    continue;
                }

                size += listed.Size ?? 0;
                if (found.Count == MaxObjects || size > maxSize)
                {
                    throw new InputException(string.Create(CultureInfo.InvariantCulture, $"s3: s3://{spec.Bucket}/{spec.Key} holds more than {MaxObjects} objects or {maxSize} bytes (InputSources.MaxS3Size)"));
                }

                found.Add(new FoundObject(listed.Key, ETag: null, Checksum: null));
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);

        return found;
    }

    /// <summary>
    /// Where an object lands: its key less the folder part of the key asked for, every segment a plain name, so that
    /// no key (<c>../x</c>, <c>/etc/x</c>, <c>a//b</c>) leads out of <paramref name="directory"/>.
    /// </summary>
    internal static string LocalPath(string directory, S3SourceSpec spec, string key)
    {
        var folder = spec.IsPrefix ? spec.Prefix : spec.Key;
        var relative = key[(folder.LastIndexOf('/') + 1)..];
        var segments = relative.Split('/');
        if (relative.Length is 0 or > SandboxPaths.MaxPathLength || segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl) || s.Contains('\\', StringComparison.Ordinal)))
        {
            throw new InputException($"s3: the object key '{key}' would not stay inside the input directory");
        }

        return Path.Combine([directory, .. segments]);
    }

    /// <summary>Downloads one object to <paramref name="path"/>, at most <paramref name="budget"/> bytes; returns how many it wrote.</summary>
    private static async Task<long> DownloadAsync(IAmazonS3 s3, S3SourceSpec spec, FoundObject found, string path, long budget, CancellationToken cancellationToken)
    {
        var single = found.ETag is not null;
        using var response = await s3.GetObjectAsync(
            new GetObjectRequest
            {
                BucketName = spec.Bucket,
                Key = found.Key,
                VersionId = single && spec.VersionID.Length > 0 ? spec.VersionID : null,
                // The object looked at, not one put there since.
                EtagToMatch = found.ETag,
            },
            cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > budget)
                {
                    throw new InputException(string.Create(CultureInfo.InvariantCulture, $"s3: s3://{spec.Bucket}/{spec.Key} is more than {budget} bytes (InputSources.MaxS3Size)"));
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        if (single && spec.ChecksumSHA256.Length > 0)
        {
            CheckSum(spec, found, Convert.ToBase64String(hash.GetHashAndReset()));
        }

        return total;
    }

    /// <summary>
    /// The checksum of a whole object is checked against its bytes, whatever the store keeps; a multipart upload's
    /// (<c>...-N</c>, a checksum of the parts' checksums) against what the store reports for it.
    /// </summary>
    private static void CheckSum(S3SourceSpec spec, FoundObject found, string downloaded)
    {
        var composite = spec.ChecksumSHA256.Contains('-', StringComparison.Ordinal);
        var actual = composite ? found.Checksum ?? "none" : downloaded;
        if (!string.Equals(actual, spec.ChecksumSHA256, StringComparison.Ordinal))
        {
            throw new InputException($"s3: checksum mismatch for s3://{spec.Bucket}/{spec.Key}: expected {spec.ChecksumSHA256}, got {actual}");
        }
    }

    /// <summary>An object to fetch; <paramref name="ETag"/> is set for the one object a key names, pinning its content.</summary>
    private sealed record FoundObject(string Key, string? ETag, string? Checksum);
}
