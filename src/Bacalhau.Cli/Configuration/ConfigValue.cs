using System.Globalization;
using Bacalhau.Cli.Formats;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.Cli.Configuration;

/// <summary>
/// A validated value of a <see cref="ConfigKey"/>. <see cref="Text"/> is what the user wrote (normalised),
/// <see cref="ToConfiguration"/> the form .NET options bind from.
/// </summary>
internal sealed record ConfigValue
{
    private ConfigValue(ConfigKey key, string text)
    {
        Key = key;
        Text = text;
    }

    public ConfigKey Key { get; }

    public string Text { get; }

    public IReadOnlyList<string> Items { get; private init; } = [];

    public IReadOnlyDictionary<string, string> Map { get; private init; } = new Dictionary<string, string>();

    /// <summary>The document of a <see cref="ConfigValueType.Tree"/> key.</summary>
    public YamlNode? Tree { get; private init; }

    /// <summary>Parses <paramref name="raw"/> as a value of <paramref name="key"/>; a bad value names the key and the expected type.</summary>
    public static ConfigValue Parse(ConfigKey key, string raw)
    {
        var text = raw.Trim();
        switch (key.Type)
        {
            case ConfigValueType.Port:
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw Invalid(key, raw);
                }

                return new ConfigValue(key, port.ToString(CultureInfo.InvariantCulture));

            case ConfigValueType.Count:
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= int.MaxValue
                    ? new ConfigValue(key, count.ToString(CultureInfo.InvariantCulture))
                    : throw Invalid(key, raw);

            case ConfigValueType.Bool:
                return bool.TryParse(text, out var flag) ? new ConfigValue(key, flag ? "true" : "false") : throw Invalid(key, raw);

            case ConfigValueType.Duration:
                _ = GoDuration.Parse(text) ?? throw Invalid(key, raw);
                return new ConfigValue(key, text);

            case ConfigValueType.List:
                return FromItems(key, text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            case ConfigValueType.Map:
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw Invalid(key, raw);
                    }

                    map[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
                }

                return FromMap(key, map);

            case ConfigValueType.Capacity:
                return Compute.Nodes.AllocatedCapacity.Problem(key.Segments[^1], text) is { } problem
                    ? throw new CliException($"invalid value for {key.Name}: {problem}")
                    : new ConfigValue(key, text);

            case ConfigValueType.Resource:
                var valid = key.Segments[^1] switch
                {
                    "CPU" => ResourceParser.TryParseCpu(text, out _),
                    "GPU" => ResourceParser.TryParseGpu(text, out _),
                    _ => ResourceParser.TryParseBytes(text, out _),
                };
                return valid ? new ConfigValue(key, text) : throw Invalid(key, raw);

            case ConfigValueType.Choice:
                return key.Choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) is { } choice
                    ? new ConfigValue(key, choice)
                    : throw Invalid(key, raw);

            case ConfigValueType.Tree:
                // The value is not echoed: a tree such as API.Auth.Users holds keys.
                var invalid = $"invalid value for {key.Name}: expected {key.TypeDescription}";
                try
                {
                    var stream = new YamlStream();
                    stream.Load(new StringReader(text));
                    return stream.Documents is [{ RootNode: YamlSequenceNode or YamlMappingNode } document] ? FromTree(key, document.RootNode) : throw new CliException(invalid);
                }
                catch (YamlException ex)
                {
                    throw new CliException($"{invalid}: {ex.Message}");
                }

            default:
                return new ConfigValue(key, text);
        }
    }

    public static ConfigValue FromItems(ConfigKey key, IEnumerable<string> items)
    {
        var list = items.ToList();
        return new ConfigValue(key, string.Join(',', list)) { Items = list };
    }

    public static ConfigValue FromMap(ConfigKey key, IReadOnlyDictionary<string, string> map) =>
        new(key, string.Join(',', map.Select(p => $"{p.Key}={p.Value}"))) { Map = map };

    public static ConfigValue FromTree(ConfigKey key, YamlNode tree) => new(key, YamlJson.Serialize(tree).TrimEnd()) { Tree = tree };

    /// <summary>
    /// The value as .NET configuration entries. A list stays one comma-separated entry so that a higher layer
    /// replaces it whole instead of merging index by index; a map becomes one entry per key.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration() => Key.Type switch
    {
        ConfigValueType.Map => Map.Select(p => KeyValuePair.Create($"{Key.ConfigurationPath}:{p.Key}", (string?)p.Value)),
        ConfigValueType.Tree => Flatten(Key.ConfigurationPath, Tree!),
        ConfigValueType.Duration => [KeyValuePair.Create(Key.ConfigurationPath, (string?)GoDuration.Parse(Text)!.Value.ToString("c", CultureInfo.InvariantCulture))],
        _ => [KeyValuePair.Create(Key.ConfigurationPath, (string?)Text)],
    };

    /// <summary>A YAML tree as the entries .NET binds lists and objects from: <c>API:Auth:Users:0:Username</c>.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> Flatten(string path, YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.SelectMany(p => Flatten($"{path}:{(p.Key as YamlScalarNode)?.Value}", p.Value)),
        YamlSequenceNode sequence => sequence.Children.SelectMany((child, index) => Flatten($"{path}:{index.ToString(CultureInfo.InvariantCulture)}", child)),
        YamlScalarNode scalar => [KeyValuePair.Create(path, scalar.Value)],
        _ => [],
    };

    private static CliException Invalid(ConfigKey key, string raw) =>
        new($"invalid value '{raw}' for {key.Name}: expected {key.TypeDescription}");
}
