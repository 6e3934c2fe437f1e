using Bacalhau.Contracts.Models;

namespace Bacalhau.Identity.Nodes;

/// <summary>Who a node is: its node ID, its own state directory, the replica slot it holds (if any) and its key.</summary>
public sealed record NodeIdentity(string NodeId, string DataDir, ReplicaSlot? Slot, NodeKey Key);

/// <summary>
/// The one place a node's identity is read from, or first written to, its data directory: the state directory of its
/// role, the replica slot lock, the key file and the system metadata. Called when the node's services are built,
/// never while they are registered, so that registering touches no disk.
/// </summary>
/// <param name="setting">Looks up a configuration value by its .NET key (<c>DataDir</c>, <c>Orchestrator:Port</c>, <c>NameProvider</c>).</param>
public sealed class NodeIdentityResolver(Func<string, string?> setting)
{
    /// <summary>The identity of the node of <paramref name="role"/> (<c>orchestrator</c>, <c>compute</c>), whose state lives in that folder.</summary>
    public NodeIdentity Resolve(string role, bool claimReplicaSlot)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        var rootDir = DataDirectory.Resolve(setting("DataDir"));
        var dataDir = DataDirectory.CreateOwnerOnly(Path.Combine(rootDir, role));
        var slot = claimReplicaSlot ? ReplicaSlot.Claim(dataDir) : null;
        // Replicas sharing a data dir each have their own key in their slot; other nodes keep theirs in the data dir.
        var key = NodeKey.LoadOrCreate(slot?.Directory ?? rootDir, NodeKey.PortOf(setting(NodeKey.PortConfigurationKey)));
        dataDir = slot?.Directory ?? dataDir;
        // A data dir from before node keys keeps the ID in its metadata; a new one takes the peer ID, unless named.
        var nodeId = SystemMetadata.GetOrCreateNodeId(dataDir, () => NodeNames.Generate(setting("NameProvider"), key.PeerId));
        if (NodeIds.Validate(nodeId) is { } invalid)
        {
            throw new InvalidOperationException($"the node ID in '{Path.Combine(dataDir, SystemMetadata.FileName)}' is invalid: {invalid}");
        }

        return new NodeIdentity(nodeId, dataDir, slot, key);
    }
}
