using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Walks a parsed spec alongside the model's JSON metadata, so every problem is reported under the field
/// name the model declares (<c>Tasks[0].Engine.Type</c>) whatever case the user wrote it in.
/// </summary>
internal static class SpecTree
{
    /// <summary>
    /// Readies a tree for deserialization: a null value means "not given" (as in Go), a field given twice in different case is an error, and so is an empty list item.
    /// Free-form values (engine, publisher and source params) are left exactly as written.
    /// </summary>
    public static void Prepare(JsonNode node, JsonTypeInfo type, string path)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject fields:
                PrepareFields(fields, type, path);
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && !IsFreeForm(type.ElementType):
                foreach (var (key, value) in map.ToList())
                {
                    PrepareValue(map, key, value, ElementTypeOf(type), $"{path}.{key}");
                }

                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray items && !IsFreeForm(type.ElementType):
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i] ?? throw new JobSpecException($"{path}[{i}]: the list item is empty");
                    Prepare(item, ElementTypeOf(type), $"{path}[{i}]");
                }

                break;
        }
    }

    /// <summary>Follows a serializer error path (<c>$.tasks[0]['engine']</c>) to the value it points at.</summary>
    public static (string Path, JsonNode? Value, JsonTypeInfo? Type) Locate(JsonNode root, JsonTypeInfo rootType, string? errorPath)
    {
        var path = "";
        JsonNode? node = root;
        JsonTypeInfo? type = rootType;
        foreach (var segment in Segments(errorPath ?? "$"))
        {
            if (segment is int index)
            {
                node = node is JsonArray items && index < items.Count ? items[index] : null;
                type = type?.Kind == JsonTypeInfoKind.Enumerable ? ElementTypeOf(type) : null;
                path += $"[{index}]";
                continue;
            }

            var name = (string)segment;
            var property = type?.Kind == JsonTypeInfoKind.Object ? FindProperty(type, name) : null;
            var key = property is null ? name : KeyFor(node, property.Name) ?? name;
            node = node is JsonObject fields ? fields[key] : null;
            type = property is not null ? type!.Options.GetTypeInfo(property.PropertyType)
                : type?.Kind == JsonTypeInfoKind.Dictionary ? ElementTypeOf(type)
                : null;
            path = path.Length == 0 ? property?.Name ?? name : $"{path}.{property?.Name ?? name}";
        }

        return (path, node, type);
    }

    private static void PrepareFields(JsonObject fields, JsonTypeInfo type, string path)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields.ToList())
        {
            // Unknown fields are ignored, as Bacalhau ignores them.
            if (FindProperty(type, key) is not { } property)
            {
                continue;
            }

            var fieldPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (!given.TryAdd(property.Name, key))
            {
                throw new JobSpecException($"{fieldPath}: given twice, as '{given[property.Name]}' and '{key}' (field names ignore case)");
            }

            PrepareValue(fields, key, value, type.Options.GetTypeInfo(property.PropertyType), fieldPath);
        }
    }

    private static void PrepareValue(JsonObject parent, string key, JsonNode? value, JsonTypeInfo type, string path)
    {
        if (value is null)
        {
            parent.Remove(key);
        }
        else
        {
            Prepare(value, type, path);
        }
    }

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo type, string name) =>
        type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    // The user's spelling of a field, which is what the tree is keyed by.
    private static string? KeyFor(JsonNode? node, string propertyName) =>
        node is JsonObject fields
            ? fields.Select(field => field.Key).FirstOrDefault(key => string.Equals(key, propertyName, StringComparison.OrdinalIgnoreCase))
            : null;

    private static JsonTypeInfo ElementTypeOf(JsonTypeInfo type) => type.Options.GetTypeInfo(type.ElementType!);

    private static bool IsFreeForm(Type? type) => type == typeof(JsonElement);

    // Error paths are "$" followed by ".name", "['name']" or "[index]" steps.
    private static IEnumerable<object> Segments(string path)
    {
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 2)..end];
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                yield return int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index) ? index : path[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                yield break;
            }
        }
    }
}
