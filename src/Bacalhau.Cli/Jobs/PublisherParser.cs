using System.Text.Json;
using Bacalhau.Cli.Formats;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs.S3;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Parses <c>-p/--publisher</c> as Bacalhau does: a type (<c>ipfs</c>, <c>local</c>, <c>noop</c>) or a URI
/// (<c>s3://bucket/key</c>, <c>ipfs://</c>), optionally as <c>target=URI</c>, then <c>opt=key=value</c> fields;
/// an <c>s3</c> publisher takes <c>endpoint</c>, <c>region</c> and <c>encoding</c> (gzip, plain).
/// </summary>
internal static class PublisherParser
{
    public const string Usage = "ipfs, local, noop or s3://bucket/key[,opt=region=...,opt=endpoint=...,opt=encoding=gzip|plain]";

    public static SpecConfig Parse(string value)
    {
        var (destination, options) = Fields(value);
        var colon = destination.IndexOf(':', StringComparison.Ordinal);
        var type = (colon < 0 ? destination : destination[..colon]).ToLowerInvariant();
        if (type == PublisherTypes.S3)
        {
            return S3(value, destination, options);
        }

        if (PublisherTypes.All.FirstOrDefault(p => p == type) is not { } known)
        {
            throw Invalid(value, $"unknown publisher '{type}'");
        }

        if (options.Count > 0)
        {
            throw Invalid(value, $"{known} publishers take no options, got '{options.Keys.First()}'");
        }

        return new SpecConfig { Type = known };
    }

    private static (string Destination, Dictionary<string, string> Options) Fields(string value)
    {
        var fields = SpecFlagField.Split(value, problem => Invalid(value, problem));
        var destination = "";
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (i == 0 && field.IsBare)
            {
                destination = field.Whole;
            }
            else if (field.IsTarget)
            {
                destination = field.Text;
            }
            else if (!field.IsOption)
            {
                throw Invalid(value, field.Misplaced("target or opt"));
            }
            else if (field.AddOptionTo(options) is { } problem)
            {
                throw Invalid(value, problem);
            }
        }

        return (destination.Trim(' ', '\'', '"'), options);
    }

    /// <summary><c>s3://bucket/key</c>; the key may hold Bacalhau's placeholders ({jobID}, {executionID}, {nodeID}, {date}, {time}).</summary>
    private static SpecConfig S3(string value, string destination, Dictionary<string, string> options)
    {
        if (!destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(value, "an s3 publisher needs s3://bucket/key");
        }

        var rest = destination["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (bucket, key) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..].TrimStart('/'));
        var parameters = new Dictionary<string, JsonElement> { ["Bucket"] = Json(bucket), ["Key"] = Json(key) };
        foreach (var (name, text) in options)
        {
            var param = name.ToLowerInvariant() switch
            {
                "endpoint" => "Endpoint",
                "region" => "Region",
                "encoding" => "Encoding",
                _ => throw Invalid(value, $"unknown option '{name}' for s3 publishers (expected endpoint, region, encoding)"),
            };
            parameters[param] = Json(text);
        }

        var spec = new SpecConfig { Type = PublisherTypes.S3, Params = parameters };
        return S3PublisherSpec.Problem(spec) is { } problem ? throw Invalid(value, problem) : spec;
    }

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, CliJsonContext.Default.String);

    private static CliException Invalid(string value, string problem) => new($"invalid publisher '{value}': {problem}; expected {Usage}");
}
