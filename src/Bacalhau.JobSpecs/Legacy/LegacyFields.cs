using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bacalhau.JobSpecs.Legacy;

/// <summary>
/// Reads the fields of one object of a v1beta1 spec by name, ignoring case as Go's decoder did. Problems are added to
/// a shared list under the field's path; fields nobody read are reported as unknown by <see cref="ReportUnread"/>.
/// </summary>
internal sealed class LegacyFields(JsonObject fields, string path, List<string> errors)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public List<string> Errors => errors;

    public string PathOf(string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>The value of a field, or null when it is absent or JSON null; the field counts as read either way.</summary>
    public JsonNode? Node(string name)
    {
        JsonNode? found = null;
        foreach (var (key, value) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                _read.Add(key);
                found ??= value;
            }
        }

        return found;
    }

    /// <summary>Marks fields as read without looking at them.</summary>
    public void Skip(params string[] names)
    {
        foreach (var name in names)
        {
            _ = Node(name);
        }
    }

    /// <summary>A scalar as text (numbers and booleans as written), or "" when absent.</summary>
    public string Text(string name) => Node(name) switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => Wrong(name, "a string", ""),
    };

    public List<string> TextList(string name) =>
        Items(name, "a list of strings", (item, _) => item is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null, "a string");

    public Dictionary<string, string> TextMap(string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Object(name) is { } entries)
        {
            foreach (var key in entries.Keys)
            {
                map[key] = entries.Text(key);
            }
        }

        return map;
    }

    public double Number(string name) => Node(name) switch
    {
        null => 0,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>(),
        _ => Wrong(name, "a number", 0d),
    };

    public bool Flag(string name) => Node(name) switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => Wrong(name, "true or false", false),
    };

    public LegacyFields? Object(string name) => Node(name) switch
    {
        null => null,
        JsonObject value => new LegacyFields(value, PathOf(name), errors),
        _ => Wrong<LegacyFields?>(name, "an object", null),
    };

    public List<LegacyFields> Objects(string name) =>
        Items(name, "a list of objects", (item, itemPath) => item is JsonObject value ? new LegacyFields(value, itemPath, errors) : null, "an object");

    /// <summary>Refuses a field this product does not implement, unless it is absent or empty (as clients send defaults).</summary>
    public void Unsupported(string name, string why)
    {
        if (!IsEmpty(Node(name)))
        {
            errors.Add($"{PathOf(name)}: not supported by Bacalhau.NET: {why}");
        }
    }

    public void Problem(string name, string problem) => errors.Add($"{PathOf(name)}: {problem}");

    public IEnumerable<string> Keys => fields.Select(entry => entry.Key);

    public void ReportUnread()
    {
        foreach (var (key, _) in fields)
        {
            if (!_read.Contains(key))
            {
                errors.Add($"{PathOf(key)}: unknown field of a v1beta1 spec");
            }
        }
    }

    /// <summary>The items of a list field read by <paramref name="read"/>; items it cannot read are reported as not <paramref name="expectedItem"/>.</summary>
    private List<T> Items<T>(string name, string expected, Func<JsonNode?, string, T?> read, string expectedItem)
        where T : class
    {
        switch (Node(name))
        {
            case null:
                return [];
            case JsonArray items:
                var list = new List<T>(items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    var itemPath = string.Create(CultureInfo.InvariantCulture, $"{PathOf(name)}[{i}]");
                    if (read(items[i], itemPath) is { } item)
                    {
                        list.Add(item);
                    }
                    else
                    {
                        errors.Add($"{itemPath}: expected {expectedItem}");
                    }
                }

                return list;
            default:
                return Wrong(name, expected, new List<T>());
        }
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject value => value.All(field => IsEmpty(field.Value)),
        JsonArray items => items.Count == 0,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Length == 0,
            JsonValueKind.Number => value.GetValue<double>() == 0,
            JsonValueKind.False => true,
            _ => false,
        },
        _ => false,
    };

    private T Wrong<T>(string name, string expected, T fallback)
    {
        errors.Add($"{PathOf(name)}: expected {expected}");
        return fallback;
    }
}
