using Bacalhau.Compute.Nodes.Gpus;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Nodes;

/// <summary>
/// Describes this node to the orchestrator: labels, engines and the capacity it gives to jobs. Read first when the
/// node joins, after the engines and GPUs were probed.
/// </summary>
public sealed class NodeInfoProvider(
    ComputeIdentity identity,
    Executors.EngineCatalog engines,
    IEnumerable<Publishers.IPublisher> publishers,
    GpuCatalog gpus,
    IOptions<ComputeOptions> options)
{
    private readonly Lazy<Resources> _capacity = new(() => options.Value.AllocatedCapacity.Of(MeasureMachine(identity.DataDir, gpus.Devices.Count)));

    /// <summary>What this node offers: <c>Compute.AllocatedCapacity</c> of the machine.</summary>
    public Resources Capacity => _capacity.Value;

    public NodeInfo GetNodeInfo() => new()
    {
        NodeID = identity.NodeId,
        NodeType = NodeType.Compute,
        // Configured labels win over the GPU labels of the same name.
        Labels = NvidiaSmiOutput.Labels(gpus.Devices).Concat(identity.Labels)
            .GroupBy(l => l.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
        SupportedProtocols = [Protocols.NclV1],
        PeerID = identity.Key.PeerId.Text,
        PublicKey = Convert.ToBase64String(identity.Key.PublicKey),
        ComputeNodeInfo = new ComputeNodeInfo
        {
            ExecutionEngines = [.. engines.Engines.Order(StringComparer.Ordinal)],
            Publishers = [.. publishers.Where(p => p.IsAvailable).Select(p => p.Type).Order(StringComparer.Ordinal)],
            MaxCapacity = Capacity,
            AvailableCapacity = Capacity,
            MaxJobRequirements = Capacity,
        },
    };

    private static Resources MeasureMachine(string dataDir, int gpuCount) => new()
    {
        CPU = Environment.ProcessorCount,
        Memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Disk = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(dataDir)) ?? "/").AvailableFreeSpace,
        GPU = gpuCount,
    };
}
