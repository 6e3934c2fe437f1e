using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Storage;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging;
using NATS.Client.Core;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// The data plane with the orchestrator: takes its messages from <c>&lt;node&gt;.in.msgs</c> and sends this node's
/// outbox to <c>&lt;node&gt;.out.msgs</c>, both ordered and acknowledged.
/// </summary>
public sealed class OrchestratorMessaging(
    INatsConnection nats,
    ComputeIdentity identity,
    ExecutionStore store,
    [FromKeyedServices(ComputeExtensions.OutboundKey)] OrderedSender sender,
    ExecutionManager executions,
    ILogger<OrchestratorMessaging> logger) : BackgroundService
{
    private OrderedReceiver? _receiver;

    /// <summary>What this node has processed from the orchestrator; told to it in the handshake.</summary>
    public ulong LastReceived => _receiver?.LastReceived(ExecutionManager.OrchestratorPeer) ?? store.Outbox.LastReceived.GetValueOrDefault(ExecutionManager.OrchestratorPeer);

    /// <summary>The orchestrator told us (in the handshake) what it has processed: resume our stream from there.</summary>
    public async Task ResumeAfterAsync(ulong processedByOrchestrator)
    {
        if (processedByOrchestrator > 0)
        {
            await store.EnsureAssignedAtLeastAsync(ExecutionManager.OrchestratorPeer, processedByOrchestrator);
        }

        sender.Resync(ExecutionManager.OrchestratorPeer, processedByOrchestrator);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        sender.Start(store.Outbox.Pending);
        await executions.RecoverAsync();
        _receiver = new OrderedReceiver(nats, Subjects.DataIn(identity.NodeId), _ => ExecutionManager.OrchestratorPeer, store.Outbox.LastReceived, executions.HandleAsync, (letter, _) => store.DeadLetterAsync(letter), logger);
        await _receiver.RunAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await sender.DisposeAsync();
    }
}
