using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.S3;

/// <summary>Reads the text params of an <c>s3</c> spec as Bacalhau decodes them: names in any case, absent as empty.</summary>
internal static class S3Params
{
    /// <summary>Longer than any bucket (63), key (1024), URL or checksum an S3 store takes.</summary>
    public const int MaxLength = 2048;

    public static string Text(SpecConfig spec, string name, List<string> problems)
    {
        if (!spec.TryGetParam(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"Params.{name}: expected a string");
            return "";
        }

        var text = value.GetString()!;
        if (text.Length > MaxLength || text.Any(char.IsControl))
        {
            problems.Add($"Params.{name}: expected at most {MaxLength} characters and no control characters");
            return "";
        }

        return text;
    }

    /// <summary>The <c>Endpoint</c> param: empty, or the http(s) URL of an S3-compatible store, without credentials in it.</summary>
    public static string Endpoint(SpecConfig spec, List<string> problems)
    {
        var endpoint = Text(spec, "Endpoint", problems);
        if (endpoint.Length > 0 && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0))
        {
            problems.Add($"Params.Endpoint: '{endpoint}' is not an http(s) URL");
        }

        return endpoint;
    }

    public static string? Joined(List<string> problems) => problems.Count == 0 ? null : string.Join("; ", problems);

    public static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, Contracts.Serialization.BacalhauJsonContext.Default.String);
}
