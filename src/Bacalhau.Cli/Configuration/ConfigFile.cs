using Bacalhau.Cli.Formats;
using Bacalhau.Identity.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.Cli.Configuration;

/// <summary>
/// A YAML config file with nested keys as Bacalhau writes it (<c>Compute: {Auth: {Token: ...}}</c>). Edits keep
/// whatever else the file holds; keys are matched in any casing and written in their canonical casing.
/// </summary>
internal sealed class ConfigFile
{
    public const string DefaultFileName = "config.yaml";

    private readonly YamlMappingNode _root;

    private ConfigFile(string path, YamlMappingNode root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public static ConfigFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new ConfigFile(path, new YamlMappingNode());
        }

        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }

            return stream.Documents.Count == 0
                ? new ConfigFile(path, new YamlMappingNode())
                : stream.Documents[0].RootNode as YamlMappingNode is { } root
                    ? new ConfigFile(path, root)
                    : throw new CliException($"config file '{path}' must hold a mapping of keys");
        }
        catch (YamlException ex)
        {
            throw new CliException($"config file '{path}' is not valid YAML: {ex.Message}");
        }
    }

    /// <summary>Every known key the file sets, validated.</summary>
    public IReadOnlyDictionary<ConfigKey, ConfigValue> ReadValues()
    {
        var values = new Dictionary<ConfigKey, ConfigValue>();
        foreach (var key in ConfigKeys.All)
        {
            if (Find(key) is { } node)
            {
                values[key] = ToValue(key, node);
            }
        }

        return values;
    }

    public void Set(ConfigValue value)
    {
        var mapping = _root;
        var segments = value.Key.Segments;
        foreach (var segment in segments[..^1])
        {
            var child = Child(mapping, segment, rename: true);
            if (child is not YamlMappingNode nested)
            {
                nested = new YamlMappingNode();
                Remove(mapping, segment);
                mapping.Add(segment, nested);
            }

            mapping = nested;
        }

        Remove(mapping, segments[^1]);
        mapping.Add(segments[^1], ToNode(value));
    }

    /// <summary>Writes the file whole, owner-only: it may hold tokens, keys and password hashes.</summary>
    public void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        AtomicFile.Write(Path, YamlJson.Serialize(_root), overwrite: true, ownerOnly: true);
    }

    private YamlNode? Find(ConfigKey key)
    {
        YamlNode? node = _root;
        foreach (var segment in key.Segments)
        {
            node = node is YamlMappingNode mapping ? Child(mapping, segment, rename: false) : null;
        }

        return node;
    }

    private ConfigValue ToValue(ConfigKey key, YamlNode node)
    {
        try
        {
            return node switch
            {
                YamlSequenceNode sequence when key.Type == ConfigValueType.List =>
                    ConfigValue.FromItems(key, sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")),
                YamlMappingNode mapping when key.Type == ConfigValueType.Map =>
                    ConfigValue.FromMap(key, mapping.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => (p.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)),
                YamlSequenceNode or YamlMappingNode when key.Type == ConfigValueType.Tree => ConfigValue.FromTree(key, node),
                YamlScalarNode scalar => ConfigValue.Parse(key, scalar.Value ?? ""),
                _ => throw new CliException($"invalid value for {key.Name}: expected {key.TypeDescription}"),
            };
        }
        catch (CliException ex)
        {
            throw new CliException($"config file '{Path}': {ex.Message}");
        }
    }

    private static YamlNode ToNode(ConfigValue value) => value.Key.Type switch
    {
        ConfigValueType.List => new YamlSequenceNode(value.Items.Select(i => new YamlScalarNode(i))),
        ConfigValueType.Map => new YamlMappingNode(value.Map.Select(p => KeyValuePair.Create<YamlNode, YamlNode>(new YamlScalarNode(p.Key), new YamlScalarNode(p.Value)))),
        ConfigValueType.Tree => value.Tree!,
        ConfigValueType.String => new YamlScalarNode(value.Text) { Style = ScalarStyle.DoubleQuoted },
        _ => new YamlScalarNode(value.Text),
    };

    private static YamlNode? Child(YamlMappingNode mapping, string segment, bool rename)
    {
        var entry = mapping.Children.FirstOrDefault(p => string.Equals((p.Key as YamlScalarNode)?.Value, segment, StringComparison.OrdinalIgnoreCase));
        if (entry.Key is null)
        {
            return null;
        }

        if (rename && (entry.Key as YamlScalarNode)?.Value != segment)
        {
            mapping.Children.Remove(entry.Key);
            mapping.Add(segment, entry.Value);
        }

        return entry.Value;
    }

    private static void Remove(YamlMappingNode mapping, string segment)
    {
        foreach (var key in mapping.Children.Keys.Where(k => string.Equals((k as YamlScalarNode)?.Value, segment, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            mapping.Children.Remove(key);
        }
    }
}
