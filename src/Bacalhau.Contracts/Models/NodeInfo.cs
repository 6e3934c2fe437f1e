namespace Bacalhau.Contracts.Models;

/// <summary>Durable description of a node, sent by a compute node in its handshake.</summary>
public sealed record NodeInfo
{
    public required string NodeID { get; set; }
    public NodeType NodeType { get; set; }
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();
    public IReadOnlyList<string> SupportedProtocols { get; set; } = [];
    public ComputeNodeInfo? ComputeNodeInfo { get; set; }
    public BuildVersionInfo BacalhauVersion { get; set; } = BuildVersionInfo.Current;

    /// <summary>The peer ID derived from the node's key (<c>private_key.&lt;port&gt;</c>); also the node ID unless it was named.</summary>
    public string? PeerID { get; set; }

    /// <summary>The libp2p-marshalled public key behind <see cref="PeerID"/>, base64.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Multiaddrs of the node's NATS server, for an orchestrator.</summary>
    public IReadOnlyList<string>? Addresses { get; set; }

    /// <summary>
    /// An orchestrator's role in its cluster, <c>leader</c> or <c>follower</c>; absent for compute nodes. A field of
    /// its own rather than a label: labels are the operator's, jobs' constraints select on them, and this one changes
    /// with every election. Bacalhau's clients skip fields they do not know.
    /// </summary>
    public string? ClusterRole { get; set; }
}
