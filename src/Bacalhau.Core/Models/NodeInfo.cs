namespace Bacalhau.Core.Models;

/// <summary>Durable description of a node, sent by a compute node in its handshake.</summary>
public sealed record NodeInfo
{
    public required string NodeID { get; set; }
    public NodeType NodeType { get; set; }
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();
    public IReadOnlyList<string> SupportedProtocols { get; set; } = [];
    public ComputeNodeInfo? ComputeNodeInfo { get; set; }
    public BuildVersionInfo BacalhauVersion { get; set; } = BuildVersionInfo.Current;
}
