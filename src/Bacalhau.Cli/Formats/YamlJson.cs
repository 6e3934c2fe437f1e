using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.Cli.Formats;

/// <summary>
/// Converts between YAML and JSON trees, with YAML 1.2 core-schema typing of plain scalars (true, 12, 1.5, null).
/// Job specs arrive as either; API answers are printed as either.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Parses YAML (JSON is YAML too) into a JSON element.</summary>
    public static JsonElement ToJson(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new CliException($"{sourceName} is not valid YAML or JSON: {ex.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            throw new CliException($"{sourceName} is empty");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(stream.Documents[0].RootNode, writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    public static string ToYaml(JsonElement json) => Serialize(ToNode(json));

    /// <summary>A YAML document as text, without the "..." end marker that reads as noise on a terminal.</summary>
    public static string Serialize(YamlNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static void Write(YamlNode node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName((key as YamlScalarNode)?.Value ?? key.ToString());
                    Write(value, writer);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(item, writer);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(scalar, writer);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(YamlScalarNode scalar, Utf8JsonWriter writer)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(char.ToLowerInvariant(text[0]) == 't');
        }
        else if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static YamlNode ToNode(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => new YamlMappingNode(json.EnumerateObject().Select(p => KeyValuePair.Create<YamlNode, YamlNode>(new YamlScalarNode(p.Name), ToNode(p.Value)))),
        JsonValueKind.Array => new YamlSequenceNode(json.EnumerateArray().Select(ToNode)),
        JsonValueKind.String => StringNode(json.GetString() ?? ""),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => new YamlScalarNode(json.GetRawText()),
        _ => new YamlScalarNode("null"),
    };

    /// <summary>A string that would read back as another type (or not at all) is quoted.</summary>
    private static YamlScalarNode StringNode(string text)
    {
        var ambiguous = text.Length == 0 || text.Contains('\n', StringComparison.Ordinal) || Integer().IsMatch(text) || Float().IsMatch(text)
            || text is "~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE";
        return new YamlScalarNode(text) { Style = ambiguous ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
