using Bacalhau.Identity;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.Compute.Nodes;

/// <summary>Who this compute node is. Owns the replica slot lock, if any, for the life of the process.</summary>
public sealed record ComputeIdentity(string NodeId, string DataDir, IReadOnlyDictionary<string, string> Labels, ReplicaSlot? Slot, NodeKey Key);
