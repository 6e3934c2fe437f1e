using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Compute.Nodes;

/// <summary>Describes this node to the orchestrator: labels, engines and the capacity it gives to jobs.</summary>
public sealed class NodeInfoProvider(ComputeIdentity identity, Executors.EngineCatalog engines, IEnumerable<Publishers.IPublisher> publishers)
{
    /// <summary>Like Bacalhau, a node offers 80% of its machine by default and keeps the rest for itself.</summary>
    private const double AllocatedShare = 0.8;

    private readonly Resources _capacity = MeasureCapacity(identity.DataDir);

    public Resources Capacity => _capacity;

    public NodeInfo GetNodeInfo() => new()
    {
        NodeID = identity.NodeId,
        NodeType = NodeType.Compute,
        Labels = identity.Labels,
        SupportedProtocols = [Protocols.NclV1],
        PeerID = identity.Key.PeerId.Text,
        PublicKey = Convert.ToBase64String(identity.Key.PublicKey),
        ComputeNodeInfo = new ComputeNodeInfo
        {
            ExecutionEngines = [.. engines.Engines.Order(StringComparer.Ordinal)],
            Publishers = [.. publishers.Where(p => p.IsAvailable).Select(p => p.Type).Order(StringComparer.Ordinal)],
            MaxCapacity = _capacity,
            AvailableCapacity = _capacity,
            MaxJobRequirements = _capacity,
        },
    };

    private static Resources MeasureCapacity(string dataDir) => new()
    {
        CPU = Math.Round(Environment.ProcessorCount * AllocatedShare, 2),
        Memory = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * AllocatedShare),
        Disk = (long)(new DriveInfo(Path.GetPathRoot(Path.GetFullPath(dataDir)) ?? "/").AvailableFreeSpace * AllocatedShare),
    };
}
