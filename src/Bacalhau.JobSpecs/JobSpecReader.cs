using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Reads a job spec as users write it for Bacalhau: JSON or YAML, field names in any case.
/// Keys inside engine, publisher and source params keep the user's spelling.
/// </summary>
/// <remarks>Reading does not apply defaults or validate; see <see cref="JobDefaults"/> and <see cref="JobValidator"/>.</remarks>
public static partial class JobSpecReader
{
    private const int MaxShownLength = 60;

    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = BacalhauJsonContext.Default,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new ScalarAsStringConverter() },
    };

    private static JsonTypeInfo<Job> JobType => (JsonTypeInfo<Job>)Options.GetTypeInfo(typeof(Job));

    /// <summary>Reads a spec; text whose first non-blank character is <c>{</c> is JSON, anything else YAML.</summary>
    /// <exception cref="JobSpecException">The spec is empty, malformed, or a field has the wrong type.</exception>
    public static Job Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var root = trimmed.StartsWith('{') ? ParseJson(Encoding.UTF8.GetBytes(trimmed)) : YamlToJson.Parse(trimmed);
        return root switch
        {
            null => throw new JobSpecException("the spec is empty"),
            JsonObject job => Deserialize(job, trimmed.Length),
            JsonArray => throw new JobSpecException("the spec must be a mapping of job fields, not a list"),
            _ => throw new JobSpecException("the spec must be a mapping of job fields, not a single value"),
        };
    }

    /// <summary>Reads a spec already parsed with <see cref="SpecJson"/>, such as the <c>Job</c> of a request body.</summary>
    /// <param name="spec">The spec's fields; they are readied in place for deserialization.</param>
    /// <param name="sizeHint">About how many bytes the spec takes as JSON.</param>
    /// <exception cref="JobSpecException">A field has the wrong type.</exception>
    public static Job Read(JsonObject spec, int sizeHint)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Deserialize(spec, sizeHint);
    }

    /// <inheritdoc cref="Read(string)"/>
    public static async Task<Job> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        return Read(await reader.ReadToEndAsync(cancellationToken));
    }

    internal static JsonNode? ParseJson(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return SpecJson.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            var position = ex.LineNumber is { } line ? $" at line {line + 1}, column {ex.BytePositionInLine + 1}" : "";
            throw new JobSpecException($"invalid JSON{position}: {JsonPosition().Replace(ex.Message, "")}", ex);
        }
    }

    private static Job Deserialize(JsonObject root, int sizeHint)
    {
        var jobType = JobType;
        SpecTree.Prepare(root, jobType, "");
        try
        {
            // Written out into a buffer of our own rather than the serializer's: that one is rented from the shared
            // array pool, which keeps a spec-sized array per thread for good once a spec near the body limit came by.
            var json = new ArrayBufferWriter<byte>(Math.Max(sizeHint, 256));
            using (var writer = new Utf8JsonWriter(json))
            {
                root.WriteTo(writer, jobType.Options);
            }

            return JsonSerializer.Deserialize(json.WrittenSpan, jobType)!;
        }
        catch (JsonException ex)
        {
            var (path, value, type) = SpecTree.Locate(root, jobType, ex.Path);
            var expected = type is null ? null : Expected(type);
            var problem = expected is null ? $"invalid value {Shown(value)}" : $"expected {expected}, got {Shown(value)}";
            throw new JobSpecException($"{path}: {problem}", ex);
        }
    }

    private static string? Expected(JsonTypeInfo type) => type.Kind switch
    {
        JsonTypeInfoKind.Enumerable => "a list",
        JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Object => "a mapping",
        _ when type.Type.IsEnum => null,
        _ => Type.GetTypeCode(type.Type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32
                or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "an integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a string",
            _ => null,
        },
    };

    private static string Shown(JsonNode? value)
    {
        var shown = value switch
        {
            null => "nothing",
            JsonObject => "a mapping",
            JsonArray => "a list",
            _ when value.GetValueKind() == JsonValueKind.String => $"\"{value.GetValue<string>()}\"",
            _ => value.ToJsonString(),
        };
        return shown.Length <= MaxShownLength ? shown : string.Concat(shown.AsSpan(0, MaxShownLength), "…");
    }

    // The position is reported as line and column; the reader's own suffix repeats it zero-based.
    [GeneratedRegex(@"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex JsonPosition();
}
