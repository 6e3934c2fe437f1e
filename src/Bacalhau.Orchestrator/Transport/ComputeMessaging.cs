using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Storage;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>
/// The data plane with compute nodes: sends the outbox to <c>&lt;node&gt;.in.msgs</c> and takes their messages
/// from <c>&lt;node&gt;.out.msgs</c>, both ordered and acknowledged.
/// </summary>
public sealed class ComputeMessaging(
    INatsConnection nats,
    JobStore store,
    [FromKeyedServices(OrchestratorExtensions.OutboundKey)] OrderedSender sender,
    JobCoordinator coordinator,
    ILogger<ComputeMessaging> logger) : BackgroundService
{
    private OrderedReceiver? _receiver;

    /// <summary>What this orchestrator has processed from <paramref name="nodeId"/>; told to the node in its handshake.</summary>
    public ulong LastReceivedFrom(string nodeId) => _receiver?.LastReceived(nodeId) ?? store.Outbox.LastReceived.GetValueOrDefault(nodeId);

    /// <summary>
    /// The node told us (in its handshake) what it has processed: resume our stream to it from there. Answers the
    /// last sequence number given to a message for the node, read behind every commit queued before it, so it covers
    /// every message a decision made before this handshake wrote.
    /// </summary>
    public async Task<ulong> ResumeToAsync(string nodeId, ulong processedByNode)
    {
        ulong lastAssigned = 0;
        await store.Writer.WriteAsync((connection, transaction) =>
        {
            if (processedByNode > 0)
            {
                MessageOutbox.EnsureAssignedAtLeast(connection, transaction, nodeId, processedByNode);
            }

            lastAssigned = MessageOutbox.LastAssigned(connection, transaction, nodeId);
        });
        sender.Resync(nodeId, processedByNode);
        return lastAssigned;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        sender.Start(store.Outbox.Pending);
        _receiver = new OrderedReceiver(nats, Subjects.AllDataOut, Subjects.NodeIdOf, store.Outbox.LastReceived, coordinator.HandleComputeMessageAsync, coordinator.DeadLetterAsync, logger);
        return _receiver.RunAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await sender.DisposeAsync();
    }
}
