using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Turns a YAML document into a JSON tree, typing plain scalars as YAML's core schema does
/// (numbers, true/false, null); quoted, tagged and block scalars stay strings.
/// </summary>
internal static partial class YamlToJson
{
    // Deeper than any job; keeps recursion bounded.
    private const int MaxDepth = 64;

    // Aliases are expanded, so a few lines can name billions of values; no real job comes near this.
    private const int MaxValues = 100_000;

    /// <summary>Returns the document's root, or null when the text holds no document or an empty one.</summary>
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(new StringReader(yaml))));
        }
        catch (YamlException ex)
        {
            throw new JobSpecException($"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {Reason(ex)}", ex);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => new Converter().Convert(stream.Documents[0].RootNode, depth: 0),
            _ => throw new JobSpecException($"invalid YAML at line {stream.Documents[1].RootNode.Start.Line}: the spec holds more than one document; submit one job at a time"),
        };
    }

    // YamlException prefixes its message with both marks; the line and column are reported separately.
    private static string Reason(YamlException ex) => MarkPrefix().Replace(ex.Message, "");

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            // Parsing the text keeps it exactly as written, so "1.10" read into a string field stays "1.10".
            _ when JsonNumber().IsMatch(text) => JsonNode.Parse(text),
            _ => JsonValue.Create(text),
        };
    }

    private static JobSpecException Invalid(YamlNode node, string reason) =>
        new($"invalid YAML at line {node.Start.Line}, column {node.Start.Column}: {reason}");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    private sealed class Converter
    {
        private int _values;

        public JsonNode? Convert(YamlNode node, int depth)
        {
            if (++_values > MaxValues)
            {
                throw Invalid(node, $"the spec expands to more than {MaxValues} values");
            }

            if (depth > MaxDepth)
            {
                throw Invalid(node, $"the spec nests deeper than {MaxDepth} levels");
            }

            return node switch
            {
                YamlScalarNode scalar => Scalar(scalar),
                YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => Convert(child, depth + 1))]),
                YamlMappingNode mapping => Mapping(mapping, depth),
                _ => throw Invalid(node, "unsupported YAML node"),
            };
        }

        private JsonObject Mapping(YamlMappingNode mapping, int depth)
        {
            var result = new JsonObject();
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    throw Invalid(keyNode, "keys must be plain text");
                }

                // The representation model has already refused duplicate keys.
                result[key] = Convert(valueNode, depth + 1);
            }

            return result;
        }
    }
}
