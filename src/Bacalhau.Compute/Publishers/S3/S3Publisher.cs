using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs.S3;
using Bacalhau.S3;

namespace Bacalhau.Compute.Publishers.S3;

/// <summary>
/// Bacalhau's <c>s3</c> publisher, with this node's credentials: by default the result as one gzipped tar (laid out as
/// the other publishers lay it out) at the key with <c>.tar.gz</c> appended; with <c>Encoding: plain</c> each file as
/// an object under the key as a prefix. Placeholders in the key are filled in. The result is reported as the
/// <c>s3</c> source that reads it back, an archive with its SHA-256, so the next job can take it as input.
/// </summary>
internal sealed partial class S3Publisher(S3Clients clients, LocalResultStore store, TimeProvider time, ILogger<S3Publisher> logger) : IPublisher
{
    public string Type => PublisherTypes.S3;

    public async Task<SpecConfig?> PublishAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        var execution = request.Execution;
        if (!S3PublisherSpec.TryParse(request.Task.Publisher!, out var spec, out var problem))
        {
            throw new ExecutionFailedException($"s3 publisher: {problem}", result);
        }

        var key = spec.KeyFor(execution.JobID, execution.ID, execution.NodeID, time.GetUtcNow());
        try
        {
            using var client = clients.Create(spec.Endpoint, spec.Region);
            var published = spec.IsPlain
                ? await PublishFilesAsync(client, spec, key, request, result, cancellationToken)
                : await PublishArchiveAsync(client, spec, key, request, result, cancellationToken);
            LogPublished(logger, execution.ID, spec.Bucket, key);
            return published.ToSpecConfig();
        }
        catch (S3AccessException ex)
        {
            throw new ExecutionFailedException($"s3 publisher: {ex.Message}", result);
        }
        catch (AmazonServiceException ex)
        {
            throw new ExecutionFailedException($"s3 publisher: {S3Errors.Describe(ex, spec.Bucket, key)}", result);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException)
        {
            throw new ExecutionFailedException($"s3 publisher: s3://{spec.Bucket}/{key}: {ex.Message}", result);
        }
    }

    private async Task<S3SourceSpec> PublishArchiveAsync(S3Client client, S3PublisherSpec spec, string key, ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(store.Directory);
        await using var archive = new FileStream(
            Path.Combine(store.Directory, $".{Guid.NewGuid():N}.s3.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await ResultArchive.WriteAsync(archive, request.Results, result, cancellationToken);
        archive.Position = 0;
        var checksum = Convert.ToBase64String(await SHA256.HashDataAsync(archive, cancellationToken));
        archive.Position = 0;
        var put = await PutAsync(client, spec.Bucket, key, archive, checksum, cancellationToken);
        return new S3SourceSpec(spec.Bucket, key, "", spec.Region, spec.Endpoint, put.VersionId ?? "", checksum);
    }

    /// <summary>stdout, stderr, exitCode and each result path's regular files; links are not followed out of the result.</summary>
    private static async Task<S3SourceSpec> PublishFilesAsync(S3Client client, S3PublisherSpec spec, string prefix, ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        foreach (var directory in request.Results)
        {
            var root = new DirectoryInfo(directory.HostPath);
            foreach (var file in Files(root))
            {
                var relative = Path.GetRelativePath(root.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                await using var content = file.OpenRead();
                await PutAsync(client, spec.Bucket, $"{prefix}{directory.Name}/{relative}", content, null, cancellationToken);
            }
        }

        foreach (var (name, text) in new[] { ("stdout", result.Stdout), ("stderr", result.Stderr), ("exitCode", result.ExitCode.ToString(CultureInfo.InvariantCulture)) })
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
            await PutAsync(client, spec.Bucket, prefix + name, content, null, cancellationToken);
        }

        return new S3SourceSpec(spec.Bucket, prefix, "", spec.Region, spec.Endpoint, "", "");
    }

    private static IEnumerable<FileInfo> Files(DirectoryInfo directory) =>
        directory.EnumerateFileSystemInfos().Where(e => e.LinkTarget is null).OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e => e switch
        {
            DirectoryInfo subdirectory => Files(subdirectory),
            FileInfo file => [file],
            _ => [],
        });

    /// <summary>
    /// One object. AWS checks the SHA-256 it is sent, as Bacalhau asks it to; other stores do not all know that
    /// header, nor the chunked signing the SDK would use for a stream, so they get a plain signed upload.
    /// </summary>
    private static Task<PutObjectResponse> PutAsync(S3Client client, string bucket, string key, Stream content, string? checksum, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = content, AutoCloseStream = false };
        if (client.IsCustomEndpoint)
        {
            put.UseChunkEncoding = false;
        }
        else if (checksum is not null)
        {
            put.ChecksumAlgorithm = ChecksumAlgorithm.SHA256;
            put.ChecksumSHA256 = checksum;
        }

        return client.Api.PutObjectAsync(put, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionId} published to s3://{Bucket}/{Key}")]
    private static partial void LogPublished(ILogger logger, string executionId, string bucket, string key);
}
