using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Nodes;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>Answers the control requests (handshake, heartbeat, node info, shutdown) every compute node sends.</summary>
public sealed partial class ControlPlaneResponder(
    INatsConnection nats,
    NodeRegistry registry,
    OrchestratorIdentity identity,
    ComputeChannel channel,
    TimeProvider time,
    ILogger<ControlPlaneResponder> logger) : BackgroundService
{
    internal static readonly ActivitySource ActivitySource = new("Bacalhau.Orchestrator.ControlPlane");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var serving = nats.SubscribeUntilStoppedAsync(Subjects.AllControlOut, HandleAsync, logger, time, stoppingToken);
        await AskKnownNodesToRejoinAsync(stoppingToken);
        await serving;
    }

    /// <summary>
    /// Every node this orchestrator knows is disconnected until it handshakes again; asking it now spares a node the
    /// wait for its next heartbeat (15 s by default) after a restart or a change of leader. A node that misses the
    /// notice still finds out at that heartbeat.
    /// </summary>
    private async Task AskKnownNodesToRejoinAsync(CancellationToken cancellationToken)
    {
        var nodes = registry.List();
        if (nodes.Count == 0)
        {
            return;
        }

        try
        {
            // The subscription went out before this ping: once it is answered, the server routes handshakes to us.
            await nats.PingAsync(cancellationToken);
            var (data, headers) = NclMessage.Create(MessageTypes.RejoinRequest, identity.NodeId, new RejoinRequest { Reason = "an orchestrator took over the control plane" }, BacalhauJsonContext.Default.RejoinRequest);
            foreach (var node in nodes)
            {
                await nats.PublishAsync(Subjects.ControlIn(node.Info.NodeID), data, headers, cancellationToken: cancellationToken);
            }

            LogAskedToRejoin(logger, nodes.Count);
        }
        catch (NatsException ex)
        {
            LogRejoinNotSent(logger, ex.Message);
        }
    }

    private async ValueTask HandleAsync(NatsMsg<byte[]> message, CancellationToken cancellationToken)
    {
        var nodeId = Subjects.NodeIdOf(message.Subject) ?? "";
        try
        {
            var envelope = Envelope.Decode(message.Data);
            var ctx = BacalhauJsonContext.Default;
            switch (envelope.Type)
            {
                case MessageTypes.HandshakeRequest:
                    using (var activity = ActivitySource.StartActivity("node handshake", ActivityKind.Server))
                    {
                        activity?.SetTag("bacalhau.node.id", nodeId);
                        var request = envelope.PayloadAs(ctx.HandshakeRequest);
                        var response = request.NodeInfo.NodeID == nodeId
                            ? registry.Handshake(request)
                            : new HandshakeResponse { Reason = $"node ID '{request.NodeInfo.NodeID}' does not match subject node '{nodeId}'" };
                        if (response.Accepted)
                        {
                            // Both sides resume their ordered streams right after what the other has processed.
                            var lastAssigned = await channel.ResumeToAsync(nodeId, request.LastOrchestratorSeqNum);
                            response = response with { LastComputeSeqNum = channel.LastReceivedFrom(nodeId), LastAssignedSeqNum = lastAssigned };
                        }

                        activity?.SetTag("bacalhau.handshake.accepted", response.Accepted);
                        await ReplyAsync(message, MessageTypes.HandshakeResponse, response, ctx.HandshakeResponse, cancellationToken);
                    }

                    break;
                case MessageTypes.HeartbeatRequest:
                    var heartbeat = envelope.PayloadAs(ctx.HeartbeatRequest);
                    await ReplyAsync(message, MessageTypes.HeartbeatResponse, registry.Heartbeat(heartbeat with { NodeID = nodeId }), ctx.HeartbeatResponse, cancellationToken);
                    break;
                case MessageTypes.UpdateNodeInfoRequest:
                    var update = envelope.PayloadAs(ctx.UpdateNodeInfoRequest);
                    var updateResponse = update.NodeInfo.NodeID == nodeId
                        ? registry.UpdateInfo(update)
                        : new UpdateNodeInfoResponse { Reason = "node ID does not match subject" };
                    await ReplyAsync(message, MessageTypes.UpdateNodeInfoResponse, updateResponse, ctx.UpdateNodeInfoResponse, cancellationToken);
                    break;
                case MessageTypes.IdentityChallengeRequest:
                    var challenge = envelope.PayloadAs(ctx.IdentityChallengeRequest);
                    await ReplyAsync(message, MessageTypes.IdentityChallengeResponse, ProveIdentity(challenge), ctx.IdentityChallengeResponse, cancellationToken);
                    break;
                case MessageTypes.ShutdownNoticeRequest:
                    var notice = envelope.PayloadAs(ctx.ShutdownNoticeRequest);
                    registry.ShutdownNotice(notice with { NodeID = nodeId });
                    await ReplyAsync(message, MessageTypes.ShutdownNoticeResponse, new ShutdownNoticeResponse(), ctx.ShutdownNoticeResponse, cancellationToken);
                    break;
                default:
                    throw new EnvelopeException($"unknown control message type '{envelope.Type}'");
            }
        }
        catch (Exception ex) when (ex is EnvelopeException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogBadMessage(logger, nodeId, ex.Message);
            await ReplyAsync(message, MessageTypes.Error, new ErrorResponse { Error = ex.Message }, BacalhauJsonContext.Default.ErrorResponse, cancellationToken);
        }
    }

    private IdentityChallengeResponse ProveIdentity(IdentityChallengeRequest challenge)
    {
        // The node signs only short random challenges, never arbitrary documents.
        var nonce = new byte[IdentityChallenge.MaxNonceSize];
        if (!Convert.TryFromBase64String(challenge.Nonce, nonce, out var length) || length < IdentityChallenge.MinNonceSize)
        {
            throw new EnvelopeException($"IdentityChallengeRequest.Nonce must be {IdentityChallenge.MinNonceSize} to {IdentityChallenge.MaxNonceSize} bytes in base64");
        }

        return new IdentityChallengeResponse
        {
            NodeID = identity.NodeId,
            PeerID = identity.Key.PeerId.Text,
            PublicKey = Convert.ToBase64String(identity.Key.PublicKey),
            Signature = Convert.ToBase64String(IdentityChallenge.Sign(identity.Key, nonce.AsSpan(0, length))),
        };
    }

    private ValueTask ReplyAsync<T>(NatsMsg<byte[]> request, string type, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var (data, headers) = NclMessage.Create(type, identity.NodeId, payload, typeInfo);
        return request.ReplyAsync(data, headers, cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked {Count} known compute nodes to handshake now")]
    private static partial void LogAskedToRejoin(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the known compute nodes to handshake now; they rejoin at their next heartbeat: {Error}")]
    private static partial void LogRejoinNotSent(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control message from node {NodeId} rejected: {Error}")]
    private static partial void LogBadMessage(ILogger logger, string nodeId, string error);
}
