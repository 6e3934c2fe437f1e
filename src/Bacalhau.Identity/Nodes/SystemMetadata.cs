using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bacalhau.Identity.Nodes;

/// <summary>
/// <c>system_metadata.yaml</c> in a node's data directory: what must survive a restart, above all the node ID
/// (a restarted Bacalhau node that came back under a new ID was a common complaint).
/// </summary>
public sealed class SystemMetadata
{
    public const string FileName = "system_metadata.yaml";

    // Read and written through YAML's node model, which needs no reflection (the CLI is compiled ahead of time).
    private const string NodeIdKey = "NodeID";
    private const string InstanceIdKey = "InstanceID";

    public string? NodeId { get; set; }

    public string? InstanceId { get; set; }

    public static SystemMetadata Load(string dataDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            return new SystemMetadata();
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
            return new SystemMetadata { NodeId = Scalar(root, NodeIdKey), InstanceId = Scalar(root, InstanceIdKey) };
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid YAML ({ex.Message}); fix or remove it", ex);
        }
    }

    public void Save(string dataDir)
    {
        var root = new YamlMappingNode();
        foreach (var (key, value) in new[] { (NodeIdKey, NodeId), (InstanceIdKey, InstanceId) })
        {
            if (value is not null)
            {
                root.Add(key, value);
            }
        }

        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        AtomicFile.Write(Path.Combine(dataDir, FileName), writer.ToString(), overwrite: true, ownerOnly: false);
    }

    private static string? Scalar(YamlMappingNode? root, string key) =>
        root is not null && root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;

    /// <summary>The persisted node ID, created with <paramref name="create"/> and saved on first use.</summary>
    public static string GetOrCreateNodeId(string dataDir, Func<string> create)
    {
        var metadata = Load(dataDir);
        if (!string.IsNullOrWhiteSpace(metadata.NodeId))
        {
            return metadata.NodeId;
        }

        metadata.NodeId = create();
        metadata.InstanceId ??= Guid.NewGuid().ToString("N");
        metadata.Save(dataDir);
        return metadata.NodeId;
    }
}
