using System.Text.Json;
using Bacalhau.Compute.Nodes;
using Bacalhau.Core.NatsAuth;
using Bacalhau.Core.Protocol;
using Bacalhau.Core.Serialization;
using Bacalhau.ServiceDefaults.Nats;
using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// This node's NATS credentials: with the cluster token it enters the enrollment account, asks the orchestrator
/// for a user JWT bound to its key and its user nkey (whose seed stays in the data dir, 0600), and connects with
/// those from then on. Enrolled once per process; reconnects reuse the JWT.
/// </summary>
internal sealed partial class NodeEnrollment(ComputeIdentity identity, string token, ILogger<NodeEnrollment> logger) : INatsCredentials, IDisposable
{
    public const string UserSeedFileName = "nats-user.nk";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly KeyPair _user = NKeySeeds.LoadOrCreate(Path.Combine(identity.DataDir, UserSeedFileName), PrefixByte.User);
    private string? _jwt;

    public async ValueTask<NatsAuthCred> GetAsync(Uri server, CancellationToken cancellationToken)
    {
        _jwt ??= await EnrollAsync(server, cancellationToken);
        return NatsAuthCred.FromJwt(_jwt, _user.GetSeed());
    }

    public void Dispose() => _user.Dispose();

    private async Task<string> EnrollAsync(Uri server, CancellationToken cancellationToken)
    {
        await using var bootstrap = new NatsConnection(NatsOpts.Default with
        {
            Url = server.ToString(),
            Name = $"{identity.NodeId} enrollment",
            AuthOpts = EnrollmentAccount.BootstrapUser(token),
            MaxReconnectRetry = 0,
        });
        var request = Enrollment.CreateRequest(identity.NodeId, identity.Key, _user.GetPublicKey());
        var reply = await bootstrap.RequestAsync<byte[], byte[]>(
            Subjects.Enroll,
            JsonSerializer.SerializeToUtf8Bytes(request, BacalhauJsonContext.Default.EnrollmentRequest),
            replyOpts: new NatsSubOpts { Timeout = RequestTimeout },
            cancellationToken: cancellationToken);
        EnrollmentResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(reply.Data ?? [], BacalhauJsonContext.Default.EnrollmentResponse);
        }
        catch (JsonException ex)
        {
            throw new NatsException($"the orchestrator's enrollment answer cannot be read: {ex.Message}");
        }

        if (response is not { Jwt.Length: > 0 })
        {
            throw new NatsException($"the orchestrator refused to enroll this node: {response?.Error}");
        }

        if (Enrollment.CheckIssued(response.Jwt, _user.GetPublicKey(), token) is { } forged)
        {
            throw new NatsException($"refusing the enrollment answer: {forged}");
        }

        LogEnrolled(logger, identity.NodeId);
        return response.Jwt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compute node {NodeId} enrolled: it connects to NATS with credentials of its own")]
    private static partial void LogEnrolled(ILogger logger, string nodeId);
}
