using System.Globalization;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.S3;

/// <summary>
/// The params of Bacalhau's <c>s3</c> publisher: where the result goes (<see cref="Bucket"/>, a <see cref="Key"/>
/// with placeholders, <see cref="Endpoint"/>, <see cref="Region"/>) and how (<see cref="Encoding"/>: <c>gzip</c>, the
/// default, one <c>.tar.gz</c> archive; <c>plain</c>, each file as an object under the key as a prefix).
/// </summary>
public sealed record S3PublisherSpec(string Bucket, string Key, string Endpoint, string Region, string Encoding)
{
    public const string Gzip = "gzip";
    public const string Plain = "plain";
    public const string ArchiveExtension = ".tar.gz";

    public bool IsPlain => Encoding.Equals(Plain, StringComparison.OrdinalIgnoreCase);

    public static S3PublisherSpec Parse(SpecConfig spec) =>
        TryParse(spec, out var parsed, out var problem) ? parsed : throw new FormatException(problem);

    /// <summary>What is wrong with the params, or null.</summary>
    public static string? Problem(SpecConfig spec) => TryParse(spec, out _, out var problem) ? null : problem;

    public static bool TryParse(SpecConfig spec, out S3PublisherSpec parsed, out string problem)
    {
        var problems = new List<string>();
        parsed = new S3PublisherSpec(
            S3Params.Text(spec, nameof(Bucket), problems),
            S3Params.Text(spec, nameof(Key), problems),
            S3Params.Endpoint(spec, problems),
            S3Params.Text(spec, nameof(Region), problems),
            S3Params.Text(spec, nameof(Encoding), problems));
        if (parsed.Bucket.Length == 0 && !problems.Any(p => p.StartsWith("Params.Bucket", StringComparison.Ordinal)))
        {
            problems.Insert(0, "Params.Bucket: required, the bucket to publish to");
        }

        if (parsed.Key.Length == 0 && !problems.Any(p => p.StartsWith("Params.Key", StringComparison.Ordinal)))
        {
            problems.Add("Params.Key: required, the object key (or prefix) to publish under; may hold {jobID}, {executionID}, {nodeID}, {date}, {time}");
        }

        if (parsed.Encoding.Length > 0 && !parsed.Encoding.Equals(Gzip, StringComparison.OrdinalIgnoreCase) && !parsed.IsPlain)
        {
            problems.Add($"Params.Encoding: '{parsed.Encoding}' is neither {Gzip} nor {Plain}");
        }

        problem = S3Params.Joined(problems) ?? "";
        return problems.Count == 0;
    }

    /// <summary>
    /// The key an execution publishes under, as Bacalhau makes it: an archive's key ends with <c>.tar.gz</c>, a plain
    /// publication's with '/', and <c>{jobID}</c>, <c>{executionID}</c>, <c>{nodeID}</c>, <c>{date}</c> (yyyyMMdd) and
    /// <c>{time}</c> (HHmmss) are replaced, the date and time in UTC.
    /// </summary>
    public string KeyFor(string jobId, string executionId, string nodeId, DateTimeOffset now)
    {
        var key = Key;
        if (!IsPlain && !key.EndsWith(ArchiveExtension, StringComparison.Ordinal))
        {
            key += ArchiveExtension;
        }
        else if (IsPlain && !key.EndsWith('/'))
        {
            key += "/";
        }

        var utc = now.UtcDateTime;
        return key
            .Replace("{nodeID}", nodeId, StringComparison.Ordinal)
            .Replace("{executionID}", executionId, StringComparison.Ordinal)
            .Replace("{jobID}", jobId, StringComparison.Ordinal)
            .Replace("{date}", utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{time}", utc.ToString("HHmmss", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
