using System.Text.Json;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Transport;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.NatsHosting.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Transport;

/// <summary>A compute node's first enrollment, against a real nats-server in operator mode and an orchestrator played by the test.</summary>
public sealed class NodeEnrollmentTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-enroll-").FullName;
    private SecuredNatsServer? _server;

    public async Task InitializeAsync() => _server = await SecuredNatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_connect_made_while_the_orchestrator_is_slow_to_answer_fails_on_its_own_and_a_later_one_takes_up_the_same_enrollment()
    {
        using var key = NodeKey.LoadOrCreate(_dataDir, 1234);
        using var enrollment = new NodeEnrollment(new ComputeIdentity("node-1", _dataDir, new Dictionary<string, string>(), null, key), _server!.Token, NatsTlsOpts.Default, NullLogger<NodeEnrollment>.Instance);
        using var signer = _server.Keys.Signer();
        await using var orchestrator = _server.Connect(signer.ServiceUser("orchestrator"));
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await orchestrator.SubscribeCoreAsync<byte[]>(Subjects.Enroll);
        var answering = Task.Run(async () =>
        {
            // Only the first request is answered: copies of it need no answer of their own, and an enrollment started
            // again by a later connect would get none, so that connect could never succeed.
            var first = true;
            await foreach (var message in subscription.Msgs.ReadAllAsync())
            {
                if (!first)
                {
                    continue;
                }

                first = false;
                var request = JsonSerializer.Deserialize(message.Data, BacalhauJsonContext.Default.EnrollmentRequest)!;
                // The orchestrator is starting: it answers only when the test lets it, long after the server's authentication timeout.
                await answer.Task;
                var response = new EnrollmentResponse { Jwt = signer.NodeUser(request.NodeID, request.UserPublicKey) };
                await message.ReplyAsync(JsonSerializer.SerializeToUtf8Bytes(response, BacalhauJsonContext.Default.EnrollmentResponse));
            }
        });

        var refused = await Assert.ThrowsAnyAsync<NatsException>(async () =>
        {
            await using var early = Connect(enrollment);
            await early.ConnectAsync();
        });
        Assert.Contains(Chain(refused), e => e is NodeEnrollment.EnrollmentPendingException);

        answer.SetResult();
        await ConnectOnceAnsweredAsync(enrollment);

        await subscription.UnsubscribeAsync();
        await answering;
    }

    [Fact]
    public async Task An_enrollment_asked_before_the_orchestrator_listens_reaches_it_once_it_does_without_another_connect()
    {
        using var key = NodeKey.LoadOrCreate(_dataDir, 1234);
        using var enrollment = new NodeEnrollment(new ComputeIdentity("node-1", _dataDir, new Dictionary<string, string>(), null, key), _server!.Token, NatsTlsOpts.Default, NullLogger<NodeEnrollment>.Instance);
        var early = await Assert.ThrowsAnyAsync<NatsException>(async () =>
        {
            await using var connection = Connect(enrollment);
            await connection.ConnectAsync();
        });
        Assert.Contains(Chain(early), e => e is NodeEnrollment.EnrollmentPendingException);

        // The orchestrator starts listening only now, as it does when it starts after its compute nodes.
        using var signer = _server.Keys.Signer();
        await using var orchestrator = _server.Connect(signer.ServiceUser("orchestrator"));
        await using var subscription = await orchestrator.SubscribeCoreAsync<byte[]>(Subjects.Enroll);
        using var deadline = new CancellationTokenSource(Timeout);
        var message = await subscription.Msgs.ReadAsync(deadline.Token);
        var request = JsonSerializer.Deserialize(message.Data, BacalhauJsonContext.Default.EnrollmentRequest)!;
        var response = new EnrollmentResponse { Jwt = signer.NodeUser(request.NodeID, request.UserPublicKey) };
        await message.ReplyAsync(JsonSerializer.SerializeToUtf8Bytes(response, BacalhauJsonContext.Default.EnrollmentResponse), cancellationToken: deadline.Token);

        await ConnectOnceAnsweredAsync(enrollment);
        Assert.Equal("node-1", request.NodeID);
    }

    /// <summary>Connects with the enrollment's credentials, trying again while the orchestrator's answer is on its way.</summary>
    private async Task ConnectOnceAnsweredAsync(NodeEnrollment enrollment)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            await using var connection = Connect(enrollment);
            try
            {
                await connection.ConnectAsync();
                await connection.PingAsync(deadline.Token);
                return;
            }
            catch (NatsException ex) when (Chain(ex).Any(e => e is NodeEnrollment.EnrollmentPendingException))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }
    }

    private NatsConnection Connect(NodeEnrollment enrollment) => new(NatsOpts.Default with
    {
        Url = _server!.Url,
        AuthOpts = NatsAuthOpts.Default with { AuthCredCallback = enrollment.GetAsync },
        InboxPrefix = enrollment.InboxPrefix,
        MaxReconnectRetry = 0,
    });

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            yield return inner;
        }
    }
}
