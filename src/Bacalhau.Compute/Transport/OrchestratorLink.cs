using System.Diagnostics;
using System.Security.Authentication;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Nodes;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.Messaging;
using Bacalhau.ServiceDefaults.Nats;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// This node's membership in the cluster: connects to NATS, handshakes with the orchestrator, then heartbeats
/// and refreshes its node info until told to handshake again; retries forever with a clear log of why it cannot join.
/// </summary>
public sealed partial class OrchestratorLink(
    INatsConnection nats,
    NatsClientSettings natsSettings,
    ComputeIdentity identity,
    NodeInfoProvider nodeInfo,
    OrchestratorChannel channel,
    ExecutionManager executions,
    OrchestratorTrust trust,
    StaleWorkGuard staleWork,
    IOptions<ComputeOptions> options,
    TimeProvider time,
    ILogger<OrchestratorLink> logger) : BackgroundService
{
    internal static readonly ActivitySource ActivitySource = new("Bacalhau.Compute.ControlPlane");
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    // Nobody answering yet is what a starting cluster looks like until its orchestrator is up, seconds later: tried
    // again at least every second, a node joins within a second of it rather than up to ten.
    private static readonly TimeSpan MaxRetryDelayWhileNoOrchestrator = TimeSpan.FromSeconds(1);
    private const string NoOrchestratorYet = "no orchestrator is listening on this NATS server yet";
    private const string EnrollmentPending = NodeEnrollment.EnrollmentPendingException.Reason;

    private static readonly TimeSpan FirstUnansweredRetry = TimeSpan.FromMilliseconds(500);
    private const int MaxReasonLength = 200;

    private readonly DateTimeOffset _startTime = time.GetUtcNow();

    // Completed when this node should handshake now; replaced by a fresh one as each handshake starts.
    private TaskCompletionSource<string> _rejoinRequested = NewRejoinSignal();

    /// <summary>True while the orchestrator has accepted this node and answers its heartbeats.</summary>
    public bool IsJoined { get; private set; }

    // A missed heartbeat clears IsJoined while the orchestrator may still count this node in; the shutdown notice goes
    // whenever a handshake was ever accepted, since a notice for a node the orchestrator dropped does nothing.
    private bool _handshakeAccepted;

    public string? LastError { get; private set; }

    private string ControlSubject => Subjects.ControlOut(identity.NodeId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retryDelay = TimeSpan.FromMilliseconds(250);
        Task? rejoinRequests = null;
        nats.ConnectionOpened += OnConnectionOpenedAsync;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var rejoinNow = false;
                try
                {
                    await nats.ConnectAsync();
                    rejoinRequests ??= nats.SubscribeUntilStoppedAsync(Subjects.ControlIn(identity.NodeId), OnControlNoticeAsync, logger, time, stoppingToken);
                    if (await VerifyOrchestratorAsync(stoppingToken) && await HandshakeAsync(stoppingToken))
                    {
                        retryDelay = TimeSpan.FromMilliseconds(250);
                        rejoinNow = await HeartbeatAsync(stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is NatsException or TimeoutException or EnvelopeException or Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    // A database that cannot commit (disk full) fails this join like an unreachable orchestrator: try again.
                    Fail(Describe(ex));
                }

                IsJoined = false;
                if (rejoinNow)
                {
                    continue;
                }

                try
                {
                    await WaitUnlessAskedToRejoinAsync(retryDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var maxDelay = LastError is NoOrchestratorYet or EnrollmentPending ? MaxRetryDelayWhileNoOrchestrator : MaxRetryDelay;
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, maxDelay.Ticks));
            }
        }
        finally
        {
            nats.ConnectionOpened -= OnConnectionOpenedAsync;
            if (rejoinRequests is not null)
            {
                await rejoinRequests;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_handshakeAccepted)
        {
            return;
        }

        // Tell the orchestrator at once rather than letting it wait for the heartbeat timeout.
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await RequestAsync(
                MessageTypes.ShutdownNoticeRequest,
                new ShutdownNoticeRequest { NodeID = identity.NodeId, Reason = "graceful shutdown" },
                BacalhauJsonContext.Default.ShutdownNoticeRequest,
                BacalhauJsonContext.Default.ShutdownNoticeResponse,
                timeout.Token);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or EnvelopeException)
        {
            LogShutdownNoticeFailed(logger, ex.Message);
        }
    }

    /// <summary>
    /// When this node was told which orchestrator to expect, the one answering must sign a fresh nonce with that
    /// peer's key before this node sends it anything else; otherwise it is refused and the node does not join.
    /// </summary>
    private async Task<bool> VerifyOrchestratorAsync(CancellationToken cancellationToken)
    {
        if (!trust.IsRequired)
        {
            return true;
        }

        using var activity = ActivitySource.StartActivity("verify orchestrator identity", ActivityKind.Client);
        var (expected, lookupError) = await trust.ExpectedPeersAsync(cancellationToken);
        if (lookupError is not null)
        {
            Fail(lookupError);
            return false;
        }

        var nonce = IdentityChallenge.NewNonce();
        var proof = await RequestAsync(
            MessageTypes.IdentityChallengeRequest,
            new IdentityChallengeRequest { Nonce = Convert.ToBase64String(nonce) },
            BacalhauJsonContext.Default.IdentityChallengeRequest,
            BacalhauJsonContext.Default.IdentityChallengeResponse,
            cancellationToken);
        string? refusal;
        try
        {
            refusal = IdentityChallenge.Verify(expected, Convert.FromBase64String(proof.PublicKey), nonce, Convert.FromBase64String(proof.Signature));
        }
        catch (FormatException)
        {
            refusal = "its proof is not base64";
        }

        activity?.SetTag("bacalhau.orchestrator.peer_id", proof.PeerID);
        activity?.SetTag("bacalhau.orchestrator.verified", refusal is null);
        if (refusal is not null)
        {
            Fail($"refusing the orchestrator: it did not prove the identity this node expects (--peer / Compute.Orchestrators): {refusal}");
            return false;
        }

        LogOrchestratorVerified(logger, proof.NodeID, proof.PeerID);
        return true;
    }

    private async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("node handshake", ActivityKind.Client);
        activity?.SetTag("bacalhau.node.id", identity.NodeId);
        // A request to rejoin made before this handshake is answered by it.
        Volatile.Write(ref _rejoinRequested, NewRejoinSignal());
        var sentAt = staleWork.Now();
        var response = await RequestAsync(
            MessageTypes.HandshakeRequest,
            new HandshakeRequest { NodeInfo = nodeInfo.GetNodeInfo(), StartTime = _startTime, LastOrchestratorSeqNum = channel.LastReceived },
            BacalhauJsonContext.Default.HandshakeRequest,
            BacalhauJsonContext.Default.HandshakeResponse,
            cancellationToken);
        activity?.SetTag("bacalhau.handshake.accepted", response.Accepted);
        if (!response.Accepted)
        {
            Fail($"the orchestrator refused this node: {response.Reason}");
            return false;
        }

        staleWork.Joined(sentAt, response.DisconnectTimeout, response.LastAssignedSeqNum);
        await channel.ResumeAfterAsync(response.LastComputeSeqNum);
        IsJoined = true;
        _handshakeAccepted = true;
        LastError = null;
        LogJoined(logger, identity.NodeId, nats.Opts.Url, response.Reason);
        return true;
    }

    /// <summary>
    /// Heartbeats until the orchestrator no longer knows this node as connected (false) or asks it to handshake now
    /// (true). An unanswered heartbeat is tried again sooner than a period, from half a second doubling up to it:
    /// the orchestrator may be back, or another one have taken the lead, in a moment.
    /// </summary>
    private async Task<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var heartbeat = options.Value.Heartbeat;
        var nextInfoUpdate = time.GetUtcNow() + heartbeat.InfoUpdateInterval;
        var offered = Offer(nodeInfo.GetNodeInfo());
        var unansweredDelay = TimeSpan.Zero;
        while (true)
        {
            if (await WaitUnlessAskedToRejoinAsync(unansweredDelay == TimeSpan.Zero ? heartbeat.Interval : unansweredDelay, cancellationToken) is { } reason)
            {
                LogRejoining(logger, reason);
                return true;
            }

            try
            {
                var sentAt = staleWork.Now();
                var response = await RequestAsync(
                    MessageTypes.HeartbeatRequest,
                    new HeartbeatRequest { NodeID = identity.NodeId, AvailableCapacity = executions.AvailableCapacity, LastOrchestratorSeqNum = channel.LastReceived },
                    BacalhauJsonContext.Default.HeartbeatRequest,
                    BacalhauJsonContext.Default.HeartbeatResponse,
                    cancellationToken);
                if (!response.Accepted)
                {
                    LogRejoining(logger, response.Reason);
                    return false;
                }

                staleWork.Heard(sentAt);
                IsJoined = true;
                unansweredDelay = TimeSpan.Zero;
                // What the node offers changed (an engine or publisher became usable): tell the scheduler now.
                var info = nodeInfo.GetNodeInfo();
                if (time.GetUtcNow() >= nextInfoUpdate || Offer(info) != offered)
                {
                    nextInfoUpdate = time.GetUtcNow() + heartbeat.InfoUpdateInterval;
                    offered = Offer(info);
                    var update = await RequestAsync(
                        MessageTypes.UpdateNodeInfoRequest,
                        new UpdateNodeInfoRequest { NodeInfo = info },
                        BacalhauJsonContext.Default.UpdateNodeInfoRequest,
                        BacalhauJsonContext.Default.UpdateNodeInfoResponse,
                        cancellationToken);
                    if (!update.Accepted)
                    {
                        LogRejoining(logger, update.Reason);
                        return false;
                    }
                }
            }
            catch (Exception ex) when (ex is NatsNoReplyException or NatsNoRespondersException or TimeoutException)
            {
                // The link may come back by itself (NATS reconnects); keep beating, but say that we are not heard.
                IsJoined = false;
                Fail($"heartbeat not answered: {Describe(ex)}");
                unansweredDelay = unansweredDelay == TimeSpan.Zero
                    ? FirstUnansweredRetry
                    : TimeSpan.FromTicks(Math.Min(unansweredDelay.Ticks * 2, heartbeat.Interval.Ticks));
            }
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/>, or less when asked to handshake now: by an orchestrator that took over the
    /// control plane, or because the NATS connection came back (perhaps to another server of the cluster). Returns why
    /// it was cut short, or null when the delay passed.
    /// </summary>
    private async Task<string?> WaitUnlessAskedToRejoinAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var asked = _rejoinRequested.Task;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(delay, time, waiting.Token);
        var first = await Task.WhenAny(elapsed, asked);
        await waiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == asked ? await asked : null;
    }

    private void AskToRejoin(string reason) => Volatile.Read(ref _rejoinRequested).TrySetResult(reason);

    private ValueTask OnControlNoticeAsync(NatsMsg<byte[]> message, CancellationToken cancellationToken)
    {
        try
        {
            var envelope = Envelope.Decode(message.Data);
            if (envelope.Type != MessageTypes.RejoinRequest)
            {
                throw new EnvelopeException($"unknown control notice type '{envelope.Type}'");
            }

            var reason = envelope.PayloadAs(BacalhauJsonContext.Default.RejoinRequest).Reason;
            AskToRejoin(reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength]);
        }
        catch (EnvelopeException ex)
        {
            LogBadNotice(logger, ex.Message);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        // The first connection is the join loop's own; a reconnect may be to a server whose orchestrator never saw us.
        if (_handshakeAccepted)
        {
            AskToRejoin($"reconnected to NATS ({args.Message})");
        }

        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource<string> NewRejoinSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Offer(Contracts.Models.NodeInfo info) => string.Join(';',
        string.Join(',', info.ComputeNodeInfo?.ExecutionEngines ?? []),
        string.Join(',', info.ComputeNodeInfo?.Publishers ?? []),
        string.Join(',', info.Labels.Select(l => $"{l.Key}={l.Value}")));

    private Task<TResponse> RequestAsync<TRequest, TResponse>(
        string type,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken) =>
        nats.RequestAsync(ControlSubject, identity.NodeId, type, request, requestType, responseType, RequestTimeout, cancellationToken);

    private void Fail(string error)
    {
        if (error != LastError)
        {
            // While the cluster starts, nobody answering yet is expected; a refusal never fixes itself.
            var level = error is NoOrchestratorYet or EnrollmentPending ? LogLevel.Warning : LogLevel.Error;
            LogCannotJoin(logger, level, identity.NodeId, natsSettings.Url ?? nats.Opts.Url, error);
        }

        LastError = error;
    }

    /// <summary>Turns the client's exceptions into one line a user can act on.</summary>
    private static string Describe(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner.Message.Contains("authorization", StringComparison.OrdinalIgnoreCase))
            {
                return "NATS refused the credentials (authorization violation): the token in Compute.Auth.Token, or in token@host of Compute.Orchestrators, does not match the orchestrator's";
            }

            // Enrolling happens inside the connect, so its answers arrive wrapped in the connection's exception.
            if (inner is NatsNoRespondersException or NodeEnrollment.EnrollmentUnansweredException)
            {
                return NoOrchestratorYet;
            }

            if (inner is NodeEnrollment.EnrollmentPendingException)
            {
                return EnrollmentPending;
            }

            // The TLS handshake's own reason (a certificate pinned to another peer), not the client's "TLS authentication failed".
            if (inner is AuthenticationException && inner.InnerException is not AuthenticationException)
            {
                return inner.Message;
            }
        }

        return ex switch
        {
            NatsNoRespondersException => NoOrchestratorYet,
            NatsNoReplyException => $"the orchestrator did not answer within {RequestTimeout.TotalSeconds:F0} s",
            _ => ex.InnerException is { } cause ? $"{ex.Message} ({cause.Message})" : ex.Message,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compute node {NodeId} joined the orchestrator at {Url} {Note}")]
    private static partial void LogJoined(ILogger logger, string nodeId, string url, string note);

    [LoggerMessage(Message = "Compute node {NodeId} cannot join the orchestrator at {Url}: {Error}; retrying")]
    private static partial void LogCannotJoin(ILogger logger, LogLevel level, string nodeId, string url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestrator {OrchestratorId} proved to be peer {PeerId}")]
    private static partial void LogOrchestratorVerified(ILogger logger, string orchestratorId, string peerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestrator asked for a new handshake: {Reason}")]
    private static partial void LogRejoining(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control notice ignored: {Error}")]
    private static partial void LogBadNotice(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown notice not delivered: {Error}")]
    private static partial void LogShutdownNoticeFailed(ILogger logger, string error);
}
