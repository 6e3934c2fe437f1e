using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.S3;

/// <summary>
/// The params of Bacalhau's <c>s3</c> input source (and of an <c>s3</c> published result): an object, or every object
/// under a prefix when <see cref="Key"/> ends with '/' or '*' (or is empty), optionally filtered by a regular expression
/// on the rest of the key; <see cref="Region"/> and <see cref="Endpoint"/> pick the store, <see cref="VersionID"/> and
/// <see cref="ChecksumSHA256"/> pin one object's content.
/// </summary>
public sealed record S3SourceSpec(string Bucket, string Key, string Filter, string Region, string Endpoint, string VersionID, string ChecksumSHA256)
{
    /// <summary>Whether the key names a prefix to list rather than one object, as Bacalhau decides.</summary>
    public bool IsPrefix => Key.Length == 0 || Key.EndsWith('/') || Key.EndsWith('*');

    /// <summary>The prefix listed: the key without its trailing '*'.</summary>
    public string Prefix => Key.Trim().TrimEnd('*');

    public static S3SourceSpec Parse(SpecConfig spec) =>
        TryParse(spec, out var parsed, out var problem) ? parsed : throw new FormatException(problem);

    /// <summary>What is wrong with the params, or null.</summary>
    public static string? Problem(SpecConfig spec) => TryParse(spec, out _, out var problem) ? null : problem;

    public static bool TryParse(SpecConfig spec, out S3SourceSpec parsed, out string problem)
    {
        var problems = new List<string>();
        parsed = new S3SourceSpec(
            S3Params.Text(spec, nameof(Bucket), problems),
            S3Params.Text(spec, nameof(Key), problems),
            S3Params.Text(spec, nameof(Filter), problems),
            S3Params.Text(spec, nameof(Region), problems),
            S3Params.Endpoint(spec, problems),
            S3Params.Text(spec, nameof(VersionID), problems),
            S3Params.Text(spec, nameof(ChecksumSHA256), problems));
        if (parsed.Bucket.Length == 0 && !problems.Any(p => p.StartsWith("Params.Bucket", StringComparison.Ordinal)))
        {
            problems.Insert(0, "Params.Bucket: required, the bucket to read from");
        }

        if (parsed.Filter.Length > 0)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(parsed.Filter, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"Params.Filter: not a regular expression ({ex.Message})");
            }
        }

        problem = S3Params.Joined(problems) ?? "";
        return problems.Count == 0;
    }

    /// <summary>The spec as Bacalhau writes it: every field, empty ones too.</summary>
    public SpecConfig ToSpecConfig() => new()
    {
        Type = SourceTypes.S3,
        Params = new Dictionary<string, JsonElement>
        {
            [nameof(Bucket)] = S3Params.Json(Bucket),
            [nameof(Key)] = S3Params.Json(Key),
            [nameof(Filter)] = S3Params.Json(Filter),
            [nameof(Region)] = S3Params.Json(Region),
            [nameof(Endpoint)] = S3Params.Json(Endpoint),
            [nameof(VersionID)] = S3Params.Json(VersionID),
            [nameof(ChecksumSHA256)] = S3Params.Json(ChecksumSHA256),
        },
    };
}
