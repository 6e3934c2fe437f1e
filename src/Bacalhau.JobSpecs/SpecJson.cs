using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Parses JSON as specs are written: comments and trailing commas allowed, a field given twice refused, at most 64
/// levels deep. The tree is built token by token: <c>JsonNode.Parse</c> goes through a JsonDocument whose index is
/// rented from the shared array pool at the size of the text, and the pool keeps such arrays for good once a body
/// near the API's size limit came by.
/// </summary>
public static class SpecJson
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The one JSON value of <paramref name="utf8Json"/>; null for <c>null</c>.</summary>
    /// <exception cref="JsonException">The text is not one JSON value, or an object holds a field twice.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, Options);
        reader.Read();
        var root = ReadValue(ref reader);
        // Reading on finds anything after the value (comments aside) and throws for it.
        reader.Read();
        return root;
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => ReadObject(ref reader),
        JsonTokenType.StartArray => ReadArray(ref reader),
        JsonTokenType.String => JsonValue.Create(reader.GetString()),
        JsonTokenType.True => JsonValue.Create(true),
        JsonTokenType.False => JsonValue.Create(false),
        JsonTokenType.Null => null,
        // A number stays as written: "1.10" read into a string field stays "1.10", and no digit is lost.
        _ => JsonValue.Create(JsonElement.ParseValue(ref reader)),
    };

    private static JsonObject ReadObject(ref Utf8JsonReader reader)
    {
        var fields = new JsonObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!fields.TryAdd(name, ReadValue(ref reader)))
            {
                throw new JsonException($"Duplicate property '{name}' encountered during deserialization.");
            }
        }

        return fields;
    }

    private static JsonArray ReadArray(ref Utf8JsonReader reader)
    {
        var items = new JsonArray();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadValue(ref reader));
        }

        return items;
    }
}
