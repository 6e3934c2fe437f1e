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

    /// <summary>
    /// Every key the file sets, validated. A key of Bacalhau's that this node does not apply adds a line to
    /// <paramref name="warnings"/>; any other key is an error naming it (a typo must not pass for a setting).
    /// </summary>
    public IReadOnlyDictionary<ConfigKey, ConfigValue> ReadValues(ICollection<string> warnings)
    {
        var values = new Dictionary<ConfigKey, ConfigValue>();
        Read(_root, "", values, warnings);
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

    private void Read(YamlMappingNode mapping, string prefix, Dictionary<ConfigKey, ConfigValue> values, ICollection<string> warnings)
    {
        foreach (var (keyNode, node) in mapping.Children)
        {
            var name = prefix + ((keyNode as YamlScalarNode)?.Value ?? "");
            if (ConfigKeys.Find(name) is { } known)
            {
                values[known] = ToValue(known, node);
            }
            else if (node is YamlMappingNode section && IsSection(name))
            {
                Read(section, name + ".", values, warnings);
            }
            else
            {
                try
                {
                    warnings.Add(ConfigKeys.NotAppliedWarning(ConfigKeys.Get(name)));
                }
                catch (CliException ex)
                {
                    throw new CliException($"config file '{Path}': {ex.Message}");
                }
            }
        }
    }

    private static bool IsSection(string name) =>
        BacalhauKeys.IsSection(name) || ConfigKeys.All.Any(k => k.Name.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase));

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
