using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.Cli.Formats;

/// <summary>
/// Writes JSON trees (API answers, the config file) as YAML, quoting strings that would read back as another type.
/// </summary>
internal static partial class YamlJson
{
    public static string ToYaml(JsonElement json) => Serialize(ToNode(json));

    /// <summary>A YAML document as text, without the "..." end marker that reads as noise on a terminal.</summary>
    public static string Serialize(YamlNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
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
