namespace Bacalhau.Core.Models;

/// <summary>Durable description of a node, sent by a compute node in its handshake.</summary>
public sealed record NodeInfo
{
    public required string NodeID { get; init; }
    public NodeType NodeType { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> SupportedProtocols { get; init; } = [];
    public ComputeNodeInfo? ComputeNodeInfo { get; init; }
    public BuildVersionInfo BacalhauVersion { get; init; } = BuildVersionInfo.Current;
}
