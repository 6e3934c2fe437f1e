using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.IntegrationTests.Jobs;
using Bacalhau.Messaging;
using Bacalhau.NatsHosting;
using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.IntegrationTests.Nodes;

/// <summary>
/// Per-node NATS identities in a real cluster: a client that holds the cluster token enrolls as a node of its own,
/// and with those credentials (or the token alone) cannot act as another node.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class NatsIdentityTests(ClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-nats-identity-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task A_forged_run_result_on_another_nodes_subject_is_refused_and_the_job_completes_with_its_real_output()
    {
        await cluster.WaitForReplicasAsync();
        var submitted = await cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch, count: 1, durationSeconds: 5));
        var running = await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(submitted.JobID)).Executions?.Items.FirstOrDefault(e => e.ComputeState.StateType is ExecutionStateType.BidAccepted or ExecutionStateType.Running),
            Timeout,
            "the execution to run");
        await using var attacker = await EnrollAsync($"attacker-{Guid.NewGuid():N}");
        var refused = ServerErrors(attacker);
        await using var tokenHolder = Connect(EnrollmentAccount.BootstrapUser(cluster.Token));

        // Observation 2: the next sequence number is unknown, so send a run of them; in order, one of them is next.
        for (ulong seq = 1; seq <= 300; seq++)
        {
            var (data, headers) = ForgedRunResult(running, seq);
            await attacker.PublishAsync(Subjects.DataOut(running.NodeID), data, headers);
            await tokenHolder.PublishAsync(Subjects.DataOut(running.NodeID), data, headers);
        }

        Assert.Contains("Permissions Violation for Publish", await refused.Task.WaitAsync(Timeout), StringComparison.OrdinalIgnoreCase);
        var completed = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);
        var execution = Assert.Single(completed.Executions!.Items, e => e.ID == running.ID);
        Assert.NotEqual("forged", execution.RunOutput?.Stdout);
    }

    [Theory]
    [InlineData(">")]
    [InlineData("bacalhau.global.compute.*.in.msgs")]
    public async Task A_client_with_a_nodes_credentials_cannot_read_other_nodes_messages(string subject)
    {
        await using var attacker = await EnrollAsync($"reader-{Guid.NewGuid():N}");
        var refused = ServerErrors(attacker);

        await using var subscription = await attacker.SubscribeCoreAsync<byte[]>(subject);

        Assert.Contains("Permissions Violation for Subscription", await refused.Task.WaitAsync(Timeout), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Enrolling_a_node_id_that_is_bound_to_another_key_is_refused()
    {
        var nodeId = $"named-{Guid.NewGuid():N}";
        using var first = NewKey();
        using var second = NewKey();
        using var user = KeyPair.CreatePair(PrefixByte.User);
        Assert.Equal("", (await RequestEnrollmentAsync(nodeId, first, user.GetPublicKey())).Error);

        var response = await RequestEnrollmentAsync(nodeId, second, user.GetPublicKey());

        Assert.Equal("", response.Jwt);
        Assert.Contains("bound to another key", response.Error, StringComparison.Ordinal);
        Assert.Equal("", (await RequestEnrollmentAsync(nodeId, first, user.GetPublicKey())).Error);
    }

    [Fact]
    public async Task Enrolling_with_a_running_nodes_peer_id_and_another_key_is_refused()
    {
        var replica = (await cluster.WaitForReplicasAsync())[0].Info.NodeID;
        using var key = NewKey();
        using var user = KeyPair.CreatePair(PrefixByte.User);

        var response = await RequestEnrollmentAsync(replica, key, user.GetPublicKey());

        Assert.Equal("", response.Jwt);
        Assert.Contains($"signed by peer {key.PeerId}", response.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_credentials_a_client_cannot_connect_and_the_token_itself_is_no_credential(bool presentToken)
    {
        await using var stranger = Connect(presentToken ? NatsAuthOpts.Default with { Token = cluster.Token } : NatsAuthOpts.Default);

        await Assert.ThrowsAnyAsync<NatsException>(async () => await stranger.ConnectAsync());
    }

    /// <summary>What a holder of the cluster token gets: credentials of a node of its own.</summary>
    private async Task<NatsConnection> EnrollAsync(string nodeId)
    {
        using var key = NewKey();
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var response = await RequestEnrollmentAsync(nodeId, key, user.GetPublicKey());
        Assert.Equal("", response.Error);
        var connection = Connect(NatsAuthOpts.Default with { Jwt = response.Jwt, Seed = user.GetSeed() }, Subjects.Inbox(nodeId));
        await connection.ConnectAsync();
        return connection;
    }

    private async Task<EnrollmentResponse> RequestEnrollmentAsync(string nodeId, NodeKey key, string userPublicKey)
    {
        await using var bootstrap = Connect(EnrollmentAccount.BootstrapUser(cluster.Token));
        var request = Enrollment.CreateRequest(nodeId, key, userPublicKey);
        var reply = await bootstrap.RequestAsync<byte[], byte[]>(
            Subjects.Enroll,
            JsonSerializer.SerializeToUtf8Bytes(request, BacalhauJsonContext.Default.EnrollmentRequest),
            replyOpts: new NatsSubOpts { Timeout = Timeout });
        return JsonSerializer.Deserialize(reply.Data, BacalhauJsonContext.Default.EnrollmentResponse)!;
    }

    private NodeKey NewKey() => NodeKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_scratch, Guid.NewGuid().ToString("N"))).FullName, NodeKey.DefaultPort);

    private NatsConnection Connect(NatsAuthOpts auth, string? inboxPrefix = null) => new(NatsOpts.Default with
    {
        Url = cluster.NatsUrl,
        AuthOpts = auth,
        InboxPrefix = inboxPrefix ?? NatsOpts.Default.InboxPrefix,
        MaxReconnectRetry = 0,
    });

    private static (byte[] Data, NatsHeaders Headers) ForgedRunResult(Execution execution, ulong seq) => NclMessage.Create(
        MessageTypes.RunResult,
        execution.NodeID,
        new RunResult { ExecutionID = execution.ID, JobID = execution.JobID, RunCommandResult = new RunCommandResult { Stdout = "forged" } },
        BacalhauJsonContext.Default.RunResult,
        seq);

    private static TaskCompletionSource<string> ServerErrors(NatsConnection connection)
    {
        var error = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ServerError += (_, e) =>
        {
            error.TrySetResult(e.Error);
            return ValueTask.CompletedTask;
        };
        return error;
    }
}
