using YamlDotNet.Serialization;

namespace Bacalhau.Core.Nodes;

/// <summary>
/// <c>system_metadata.yaml</c> in a node's data directory: what must survive a restart, above all the node ID
/// (a restarted Bacalhau node that came back under a new ID was a common complaint).
/// </summary>
public sealed class SystemMetadata
{
    public const string FileName = "system_metadata.yaml";

    [YamlMember(Alias = "NodeID")]
    public string? NodeId { get; set; }

    [YamlMember(Alias = "InstanceID")]
    public string? InstanceId { get; set; }

    public static SystemMetadata Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            return new SystemMetadata();
        }

        try
        {
            var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
            return deserializer.Deserialize<SystemMetadata?>(File.ReadAllText(path)) ?? new SystemMetadata();
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid YAML ({ex.Message}); fix or remove it", ex);
        }
    }

    public void Save(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, new SerializerBuilder().ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull).Build().Serialize(this));
        File.Move(temp, path, overwrite: true);
    }

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
