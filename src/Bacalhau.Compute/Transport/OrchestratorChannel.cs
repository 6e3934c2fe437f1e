using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Storage;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging;
using NATS.Client.Core;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// A compute node's ordered channel with the orchestrator, its one peer: the node's outbox goes to
/// <c>&lt;node&gt;.out.msgs</c>, the orchestrator's messages come from <c>&lt;node&gt;.in.msgs</c>.
/// </summary>
public sealed class OrchestratorChannel(INatsConnection nats, ExecutionStore store, ComputeIdentity identity, ILogger<OrchestratorChannel> logger, TimeProvider time)
    : OrderedChannel(nats, store, Routes(identity.NodeId), logger, time)
{
    /// <summary>What this node has processed from the orchestrator; told to it in the handshake.</summary>
    public ulong LastReceived => LastReceivedFrom(ExecutionManager.OrchestratorPeer);

    /// <summary>The orchestrator told us (in the handshake) what it has processed: resume our stream from there.</summary>
    public Task ResumeAfterAsync(ulong processedByOrchestrator) => ResumeToAsync(ExecutionManager.OrchestratorPeer, processedByOrchestrator);

    private static ChannelRoutes Routes(string nodeId) => new(
        _ => Subjects.DataOut(nodeId),
        new AckRoute((_, instance) => Subjects.AcksToCompute(nodeId, instance), instance => Subjects.AcksToCompute(nodeId, instance), _ => ExecutionManager.OrchestratorPeer),
        Subjects.DataIn(nodeId),
        _ => ExecutionManager.OrchestratorPeer);
}
