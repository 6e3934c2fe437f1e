using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs.S3;
using Bacalhau.S3;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.PublishedResults;

/// <summary>
/// Hands a client an <c>s3</c> result archive as Bacalhau's orchestrator does: as <c>s3PreSigned</c>, the same params
/// and a <c>PreSignedURL</c> signed with this orchestrator's credentials, so the client downloads it with no
/// credentials of its own and none of the orchestrator's leave it. Without credentials, with
/// <c>Publishers.Types.S3.PreSignedURLDisabled</c>, or for a result that is not one archive (plain encoding), the
/// result is handed out as the node reported it.
/// </summary>
internal sealed partial class S3ResultSigner(S3Clients clients, IOptions<S3ResultOptions> options, TimeProvider time, ILogger<S3ResultSigner> logger)
{
    public async Task<SpecConfig> SignAsync(SpecConfig published, CancellationToken cancellationToken)
    {
        if (published.Type != PublisherTypes.S3 || options.Value.PreSignedURLDisabled
            || !S3SourceSpec.TryParse(published, out var spec, out _) || !spec.Key.EndsWith(S3PublisherSpec.ArchiveExtension, StringComparison.Ordinal)
            || !clients.HasCredentials)
        {
            return published;
        }

        try
        {
            using var client = clients.Create(spec.Endpoint, spec.Region);
            var url = await client.Api.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = spec.Bucket,
                Key = spec.Key,
                VersionId = spec.VersionID.Length > 0 ? spec.VersionID : null,
                Verb = HttpVerb.GET,
                Protocol = client.Protocol,
                Expires = time.GetUtcNow().Add(options.Value.PreSignedURLExpiration).UtcDateTime,
            });
            var signed = spec.ToSpecConfig();
            signed.Params["PreSignedURL"] = System.Text.Json.JsonSerializer.SerializeToElement(url, BacalhauJsonContext.Default.String);
            signed.Params["Managed"] = System.Text.Json.JsonSerializer.SerializeToElement(false, BacalhauJsonContext.Default.Boolean);
            return new SpecConfig { Type = SourceTypes.S3PreSigned, Params = signed.Params };
        }
        catch (Exception ex) when (ex is AmazonClientException or ArgumentException or S3AccessException)
        {
            LogNotSigned(logger, spec.Bucket, spec.Key, ex.Message);
            return published;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not pre-sign s3://{Bucket}/{Key} for a client: {Reason}")]
    private static partial void LogNotSigned(ILogger logger, string bucket, string key, string reason);
}
