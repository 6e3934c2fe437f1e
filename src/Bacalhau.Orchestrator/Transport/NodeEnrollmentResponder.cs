using System.Text.Json;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.NatsHosting;
using Bacalhau.Orchestrator.Nodes;
using Microsoft.Data.Sqlite;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>
/// Answers enrollment requests from holders of the cluster token: a node that proves its key, and whose ID is not
/// bound to another key, gets a user JWT allowing only its own subjects.
/// </summary>
public sealed partial class NodeEnrollmentResponder(
    INatsConnection nats,
    NatsAccountSigner signer,
    NodeKeyBindings bindings,
    TimeProvider time,
    ILogger<NodeEnrollmentResponder> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        nats.SubscribeUntilStoppedAsync(Subjects.Enroll, ReplyAsync, logger, time, stoppingToken);

    private ValueTask ReplyAsync(NatsMsg<byte[]> message, CancellationToken cancellationToken) =>
        message.ReplyAsync(JsonSerializer.SerializeToUtf8Bytes(Enroll(message.Data), BacalhauJsonContext.Default.EnrollmentResponse), cancellationToken: cancellationToken);

    internal EnrollmentResponse Enroll(byte[]? data)
    {
        EnrollmentRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(data ?? [], BacalhauJsonContext.Default.EnrollmentRequest);
        }
        catch (JsonException ex)
        {
            return Refuse("?", $"not an enrollment request: {ex.Message}");
        }

        if (request is null || request.NodeID is null)
        {
            return Refuse("?", "not an enrollment request");
        }

        if (Enrollment.Verify(request, out var publicKey) is { } invalid)
        {
            return Refuse(request.NodeID, invalid);
        }

        bool bound;
        try
        {
            bound = bindings.Bind(request.NodeID, publicKey);
        }
        catch (SqliteException ex)
        {
            return Refuse(request.NodeID, $"the orchestrator cannot record the node's key: {ex.Message}");
        }

        if (!bound)
        {
            return Refuse(request.NodeID, $"node ID '{request.NodeID}' is bound to another key: a node keeps its ID only with the key it first enrolled with");
        }

        LogEnrolled(logger, request.NodeID);
        return new EnrollmentResponse { Jwt = signer.NodeUser(request.NodeID, request.UserPublicKey) };
    }

    private EnrollmentResponse Refuse(string nodeId, string reason)
    {
        LogRefused(logger, nodeId, reason);
        return new EnrollmentResponse { Error = reason };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compute node {NodeId} enrolled: it may publish and subscribe only on its own NATS subjects")]
    private static partial void LogEnrolled(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrollment of compute node {NodeId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string nodeId, string reason);
}
