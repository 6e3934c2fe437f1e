using System.Text.Json;
using Bacalhau.Compute.Nodes;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.NatsHosting;
using Bacalhau.ServiceDefaults.Nats;
using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// This node's NATS credentials: with the cluster token it enters the enrollment account, asks the orchestrator
/// for a user JWT bound to its key and its user nkey (whose seed stays in the data dir, 0600), and connects with
/// those. The first connect waits for the enrollment; a reconnect uses the JWT the node has at once and enrolls again
/// beside it, for the next connect, so a new account key still takes effect: a reconnect after losing a server must
/// not wait for an orchestrator, which may be the one lost (the server gives a client only seconds to authenticate).
/// A refusal is never papered over: the next connect enrolls first and fails with it. The first enrollment runs beside
/// the connects: one waits for it only briefly and fails if it is still under way (the orchestrator may be starting),
/// so that the server never times the connection out, and a later connect picks up the same enrollment.
/// </summary>
internal sealed partial class NodeEnrollment(ComputeIdentity identity, string token, NatsTlsOpts tls, ILogger<NodeEnrollment> logger) : INatsCredentials, IDisposable
{
    public const string UserSeedFileName = "nats-user.nk";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Well inside nats-server's authentication timeout (2 s by default), which counts from the connection's start.
    private static readonly TimeSpan FirstEnrollmentWait = TimeSpan.FromSeconds(1);

    // How often an unanswered enrollment is sent again within RequestTimeout (see RequestUntilAnsweredAsync).
    private static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(1);

    private readonly KeyPair _user = NKeySeeds.LoadOrCreate(Path.Combine(identity.DataDir, UserSeedFileName), PrefixByte.User);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _enrollmentLock = new();
    private volatile string? _jwt;
    private Task<string>? _enrolling;
    private int _refreshing;

    /// <summary>The enrolled user may subscribe only under its own node's inbox.</summary>
    public string InboxPrefix => Subjects.Inbox(identity.NodeId);

    public async ValueTask<NatsAuthCred> GetAsync(Uri server, CancellationToken cancellationToken)
    {
        var jwt = _jwt;
        if (jwt is null)
        {
            jwt = await FirstEnrollmentAsync(server, cancellationToken);
        }
        else if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshAsync(server);
        }

        return NatsAuthCred.FromJwt(jwt, _user.GetSeed());
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _user.Dispose();
    }

    /// <summary>The JWT of the enrollment under way (started now if none is), if it comes within <see cref="FirstEnrollmentWait"/>.</summary>
    private async Task<string> FirstEnrollmentAsync(Uri server, CancellationToken cancellationToken)
    {
        Task<string> enrolling;
        lock (_enrollmentLock)
        {
            enrolling = _enrolling ??= EnrollAsync(server, _stopping.Token);
        }

        try
        {
            return _jwt = await enrolling.WaitAsync(FirstEnrollmentWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new EnrollmentPendingException();
        }
        catch (Exception) when (enrolling.IsCompleted)
        {
            // Failed or refused: the next connect asks again.
            lock (_enrollmentLock)
            {
                if (_enrolling == enrolling)
                {
                    _enrolling = null;
                }
            }

            throw;
        }
    }

    private async Task RefreshAsync(Uri server)
    {
        try
        {
            _jwt = await EnrollAsync(server, _stopping.Token);
        }
        catch (EnrollmentRefusedException ex)
        {
            lock (_enrollmentLock)
            {
                _jwt = null;
                _enrolling = null;
            }

            LogRefused(logger, identity.NodeId, ex.Message);
        }
        catch (NatsException ex)
        {
            LogReusingCredentials(logger, identity.NodeId, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task<string> EnrollAsync(Uri server, CancellationToken cancellationToken)
    {
        await using var bootstrap = new NatsConnection(NatsOpts.Default with
        {
            Url = server.ToString(),
            Name = $"{identity.NodeId} enrollment",
            AuthOpts = EnrollmentAccount.BootstrapUser(token),
            TlsOpts = tls,
            MaxReconnectRetry = 0,
        });
        var request = Enrollment.CreateRequest(identity.NodeId, identity.Key, _user.GetPublicKey());
        var reply = await RequestUntilAnsweredAsync(bootstrap, JsonSerializer.SerializeToUtf8Bytes(request, BacalhauJsonContext.Default.EnrollmentRequest), cancellationToken);
        EnrollmentResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(reply, BacalhauJsonContext.Default.EnrollmentResponse);
        }
        catch (JsonException ex)
        {
            throw new EnrollmentRefusedException($"the orchestrator's enrollment answer cannot be read: {ex.Message}");
        }

        if (response is not { Jwt.Length: > 0 })
        {
            throw new EnrollmentRefusedException($"the orchestrator refused to enroll this node: {response?.Error}");
        }

        if (Enrollment.CheckIssued(response.Jwt, _user.GetPublicKey(), token) is { } forged)
        {
            throw new EnrollmentRefusedException($"refusing the enrollment answer: {forged}");
        }

        LogEnrolled(logger, identity.NodeId);
        return response.Jwt;
    }

    /// <summary>
    /// The orchestrator's answer to <paramref name="request"/>, sent again every <see cref="RepeatInterval"/> on one
    /// inbox until one is answered or <see cref="RequestTimeout"/> has passed. The server drops a request sent before
    /// the orchestrator listens without a no-responders answer (it crosses from the enrollment account into the
    /// cluster's), as happens while the cluster starts: asked once, the node would wait the whole timeout for nothing.
    /// A late answer to an earlier copy counts as well; enrolling the same key twice is harmless.
    /// </summary>
    private static async Task<byte[]> RequestUntilAnsweredAsync(NatsConnection bootstrap, byte[] request, CancellationToken cancellationToken)
    {
        var inbox = bootstrap.NewInbox();
        await using var replies = await bootstrap.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            while (true)
            {
                await bootstrap.PublishAsync(Subjects.Enroll, request, replyTo: inbox, cancellationToken: deadline.Token);
                using var interval = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                interval.CancelAfter(RepeatInterval);
                try
                {
                    while (await replies.Msgs.WaitToReadAsync(interval.Token))
                    {
                        // A no-responders status (nobody listened yet) is no answer: the next copy may find the orchestrator.
                        if (replies.Msgs.TryRead(out var reply) && !reply.HasNoResponders)
                        {
                            return reply.Data ?? [];
                        }
                    }

                    throw new EnrollmentUnansweredException("the enrollment's reply subscription ended");
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // Not answered within the interval: send it again.
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EnrollmentUnansweredException($"the orchestrator did not answer the enrollment within {RequestTimeout.TotalSeconds:F0} s");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compute node {NodeId} cannot enroll again ({Error}); it connects with the credentials it has")]
    private static partial void LogReusingCredentials(ILogger logger, string nodeId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compute node {NodeId} was refused a new enrollment; its next connect enrolls first: {Error}")]
    private static partial void LogRefused(ILogger logger, string nodeId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compute node {NodeId} enrolled: it connects to NATS with credentials of its own")]
    private static partial void LogEnrolled(ILogger logger, string nodeId);

    /// <summary>The first enrollment has not been answered yet: this connect gives up, a later one picks it up.</summary>
    internal sealed class EnrollmentPendingException() : NatsException(Reason)
    {
        public const string Reason = "the orchestrator has not answered this node's enrollment yet";
    }

    /// <summary>Nobody answered the enrollment: no orchestrator listens (yet), or it is too busy to answer.</summary>
    internal sealed class EnrollmentUnansweredException(string message) : NatsException(message);

    /// <summary>The orchestrator answered, and the answer is no: not a reason to fall back on older credentials.</summary>
    private sealed class EnrollmentRefusedException(string message) : NatsException(message);
}
