using System.Text.Json;
using Bacalhau.Cli.Formats;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;
using Bacalhau.JobSpecs;
using Bacalhau.JobSpecs.S3;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Parses <c>-i/--input</c> as Bacalhau does: <c>URI</c>, <c>URI:PATH</c> or comma-separated
/// <c>src=URI,dst=PATH,opt=key=value</c> (fields quoted as CSV when they hold commas), into the input source Bacalhau
/// would send: <c>ipfs://CID</c> an <c>ipfs</c> source, <c>http(s)://</c> a <c>urlDownload</c>, <c>s3://bucket/key</c>
/// an <c>s3</c> one, <c>file:///path</c> a <c>local</c> one and a <c>data:</c> URL an <c>inline</c> one. The target defaults to <c>/inputs</c>.
/// </summary>
internal static class InputParser
{
    public const string DefaultTarget = "/inputs";
    public const string Usage = "URI, URI:PATH or src=URI,dst=PATH[,opt=key=value] with an ipfs://, http(s)://, s3://, file:// or data: URI";
    private const int QuotedLength = 100;
    private static readonly string[] Schemes = ["ipfs", "http", "https", "s3", "file", "data"];

    public static InputSource Parse(string value)
    {
        var (source, target, options) = Fields(value);
        if (string.IsNullOrWhiteSpace(source))
        {
            throw Invalid(value, "no source URI: give one first or as src=URI");
        }

        source = source.Trim(' ', '\'', '"');
        target = target.Trim(' ', '\'', '"');
        if (SandboxPaths.ContainerPathProblem(target) is { } problem)
        {
            throw Invalid(value, $"dst {problem}");
        }

        return new InputSource
        {
            Source = Spec(value, source, options),
            // Bacalhau names an input by its URI; a data: URL is its content, and a long URI would break the alias bound.
            Alias = source.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || source.Length > SandboxPaths.MaxNameLength ? "" : source,
            Target = target,
        };
    }

    private static (string Source, string Target, Dictionary<string, string> Options) Fields(string value)
    {
        var source = "";
        var target = DefaultTarget;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        // A data: URL carries its own commas, colons and '=': as the whole value it is the source, and it takes a
        // target only in the key=value form, quoted (src="data:...",dst=/path).
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return (value, target, options);
        }

        var fields = SpecFlagField.Split(value, problem => Invalid(value, problem));
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.Key is "source" or "src")
            {
                source = field.Text;
            }
            else if (field.IsTarget)
            {
                target = field.Text;
            }
            else if (field.IsOption)
            {
                if (field.AddOptionTo(options) is { } problem)
                {
                    throw Invalid(value, problem);
                }
            }
            else if (i == 0 && (field.IsBare || field.Key.Contains(':', StringComparison.Ordinal)))
            {
                // The short form, URI or URI:PATH; a URI may hold '=' in its query.
                (source, target) = SplitShortForm(field.Whole, target);
            }
            else
            {
                throw Invalid(value, field.Misplaced("src, dst or opt"));
            }
        }

        return (source, target, options);
    }

    /// <summary>
    /// <c>URI:PATH</c> splits at the last ':' after the scheme. An http(s) URL may hold a port, so there only a ':'
    /// followed by '/' starts the path.
    /// </summary>
    private static (string Source, string Target) SplitShortForm(string field, string target)
    {
        var separator = field.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return (field, target);
        }

        var scheme = field[..separator];
        var rest = field[(separator + 3)..];
        var colon = rest.LastIndexOf(':');
        var web = scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase);
        if (colon < 0 || (web && !rest[(colon + 1)..].StartsWith('/')))
        {
            return (field, target);
        }

        return ($"{scheme}://{rest[..colon]}", rest[(colon + 1)..]);
    }

    private static SpecConfig Spec(string value, string source, Dictionary<string, string> options)
    {
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon <= 0 ? "" : source[..colon].ToLowerInvariant();
        switch (scheme)
        {
            case "ipfs":
                NoOptions(value, scheme, options);
                var cid = source[(colon + 1)..].TrimStart('/');
                if (cid.Contains('/', StringComparison.Ordinal))
                {
                    throw Invalid(value, "an ipfs input names a whole CID (ipfs://CID), not a path inside it");
                }

                if (!Cid.TryParse(cid, out var parsed, out var problem))
                {
                    throw Invalid(value, $"'{cid}' is not a CID: {problem}");
                }

                return Config(SourceTypes.Ipfs, ("CID", Json(parsed.ToString())));
            case "http" or "https":
                NoOptions(value, scheme, options);
                if (!Uri.TryCreate(source, UriKind.Absolute, out var url) || url.Host.Length == 0)
                {
                    throw Invalid(value, $"'{source}' is not an http(s) URL");
                }

                return Config(SourceTypes.UrlDownload, ("URL", Json(source)));
            case "file":
                return Local(value, source, options);
            case "data":
                NoOptions(value, scheme, options);
                if (!source.Contains(',', StringComparison.Ordinal))
                {
                    throw Invalid(value, "a data: URL needs a ',' before its content (data:[<type>][;base64],<content>)");
                }

                return Config(SourceTypes.Inline, ("URL", Json(source)));
            case "s3":
                return S3(value, source, options);
            case "":
                throw Invalid(value, $"'{source}' has no scheme (expected {string.Join(", ", Schemes)})");
            default:
                throw Invalid(value, $"unknown scheme '{scheme}' (expected {string.Join(", ", Schemes)})");
        }
    }

    /// <summary><c>file:///path</c>: Bacalhau joins host and path, so <c>file://host/p</c> would be the relative <c>host/p</c>, which no node takes.</summary>
    private static SpecConfig Local(string value, string source, Dictionary<string, string> options)
    {
        var path = source["file://".Length..];
        if (!source.StartsWith("file://", StringComparison.OrdinalIgnoreCase) || !path.StartsWith('/'))
        {
            throw Invalid(value, $"a file input needs an absolute path, as in file:///data/in, got '{source}'");
        }

        var readWrite = false;
        foreach (var (key, text) in options)
        {
            if (key is not ("rw" or "read-write" or "read_write" or "readwrite"))
            {
                throw Invalid(value, $"unknown option '{key}' for file inputs (expected rw)");
            }

            if (!bool.TryParse(text, out readWrite) && !TryParseGoBool(text, out readWrite))
            {
                throw Invalid(value, $"option {key}: '{text}' is not true or false");
            }
        }

        return Config(SourceTypes.Local, ("SourcePath", Json(Uri.UnescapeDataString(path))), ("ReadWrite", JsonSerializer.SerializeToElement(readWrite, CliJsonContext.Default.Boolean)));
    }

    /// <summary>
    /// <c>s3://bucket/key</c>: an object, or the objects under a prefix ending with '/' or '*'; options as Bacalhau
    /// names them (<c>endpoint</c>, <c>region</c>, <c>versionID</c>, <c>checksum-256</c>, <c>filter</c>).
    /// </summary>
    private static SpecConfig S3(string value, string source, Dictionary<string, string> options)
    {
        var rest = source["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (bucket, key) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..].TrimStart('/'));
        var parameters = new Dictionary<string, JsonElement> { ["Bucket"] = Json(bucket), ["Key"] = Json(key) };
        foreach (var (name, text) in options)
        {
            var param = name switch
            {
                "endpoint" => "Endpoint",
                "region" => "Region",
                "versionID" or "version-id" or "version_id" => "VersionID",
                "checksum-256" or "checksum256" or "checksum_256" => "ChecksumSHA256",
                "filter" => "Filter",
                _ => throw Invalid(value, $"unknown option '{name}' for s3 inputs (expected endpoint, region, versionID, checksum-256, filter)"),
            };
            parameters[param] = Json(text);
        }

        var spec = new SpecConfig { Type = SourceTypes.S3, Params = parameters };
        return S3SourceSpec.Problem(spec) is { } problem ? throw Invalid(value, problem) : spec;
    }

    /// <summary>strconv.ParseBool's other spellings.</summary>
    private static bool TryParseGoBool(string text, out bool result)
    {
        result = text is "1" or "t" or "T" or "TRUE";
        return result || text is "0" or "f" or "F" or "FALSE";
    }

    private static void NoOptions(string value, string scheme, Dictionary<string, string> options)
    {
        if (options.Count > 0)
        {
            throw Invalid(value, $"{scheme} inputs take no options, got '{options.Keys.First()}'");
        }
    }

    private static SpecConfig Config(string type, params (string Name, JsonElement Value)[] parameters) => new()
    {
        Type = type,
        Params = parameters.ToDictionary(p => p.Name, p => p.Value),
    };

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, CliJsonContext.Default.String);

    private static CliException Invalid(string value, string problem)
    {
        var quoted = value.Length > QuotedLength ? value[..QuotedLength] + "..." : value;
        return new CliException($"invalid input '{quoted}': {problem}; expected {Usage}");
    }
}
