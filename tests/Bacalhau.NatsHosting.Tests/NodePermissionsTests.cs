using Bacalhau.Contracts.Protocol;
using Bacalhau.Identity.Content;
using Bacalhau.Messaging.Content;
using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.NatsHosting.Tests;

/// <summary>Against a real nats-server in operator mode: what a compute node's user, a token holder and a stranger can do.</summary>
public sealed class NodePermissionsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private SecuredNatsServer _server = null!;
    private NatsAccountSigner _signer = null!;

    public async Task InitializeAsync()
    {
        _server = await SecuredNatsServer.StartAsync();
        _signer = _server.Keys.Signer();
    }

    public async Task DisposeAsync()
    {
        _signer.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_node_cannot_publish_on_another_nodes_subjects()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        await using var watch = await orchestrator.SubscribeCoreAsync<string>(Subjects.AllDataOut);
        await orchestrator.PingAsync();
        await using var nodeA = NodeConnection("node-a");
        var refused = ServerErrors(nodeA);

        await nodeA.PublishAsync(Subjects.DataOut("node-b"), "forged");
        await nodeA.PublishAsync(Subjects.DataOut("node-a"), "own");

        Assert.Contains("Permissions Violation for Publish", await refused.Task.WaitAsync(Timeout), StringComparison.OrdinalIgnoreCase);
        var first = await watch.Msgs.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal((Subjects.DataOut("node-a"), "own"), (first.Subject, first.Data));
    }

    [Theory]
    [InlineData(">")]
    [InlineData("bacalhau.global.compute.node-b.in.msgs")]
    [InlineData("bacalhau.global.compute.*.out.msgs")]
    [InlineData("_INBOX_node-b.>")]
    public async Task A_node_cannot_subscribe_outside_its_own_subjects(string subject)
    {
        await using var nodeA = NodeConnection("node-a");
        var refused = ServerErrors(nodeA);

        await using var subscription = await nodeA.SubscribeCoreAsync<string>(subject);

        Assert.Contains("Permissions Violation for Subscription", await refused.Task.WaitAsync(Timeout), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_node_receives_its_own_messages_and_answers_on_its_own_subjects()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        await using var nodeA = NodeConnection("node-a");
        await using var inbound = await nodeA.SubscribeCoreAsync<string>(Subjects.DataIn("node-a"));
        await using var acks = await orchestrator.SubscribeCoreAsync<string>(Subjects.AllAcksFromCompute("sender"));
        await nodeA.PingAsync();
        await orchestrator.PingAsync();

        await orchestrator.PublishAsync(Subjects.DataIn("node-a"), "bid?", replyTo: Subjects.AcksFromCompute("node-a", "sender"));
        var message = await inbound.Msgs.ReadAsync().AsTask().WaitAsync(Timeout);
        await nodeA.PublishAsync(message.ReplyTo!, "ack");

        var ack = await acks.Msgs.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal((Subjects.AcksFromCompute("node-a", "sender"), "ack"), (ack.Subject, ack.Data));
    }

    [Fact]
    public async Task Without_credentials_nothing_connects()
    {
        await using var stranger = _server.Connect(NatsAuthOpts.Default);

        var refused = await Assert.ThrowsAnyAsync<NatsException>(async () => await stranger.ConnectAsync());

        Assert.Contains("authorization", refused.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_signed_by_another_account_key_is_refused()
    {
        using var foreign = new NatsAccountSigner(KeyPair.CreatePair(PrefixByte.Account));
        await using var intruder = _server.Connect(foreign.ServiceUser("intruder"));

        await Assert.ThrowsAnyAsync<NatsException>(async () => await intruder.ConnectAsync());
    }

    [Fact]
    public async Task The_token_alone_reaches_the_enrollment_service_and_nothing_else()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        await using var everything = await orchestrator.SubscribeCoreAsync<string>(">");
        await using var enrollment = await orchestrator.SubscribeCoreAsync<string>(Subjects.Enroll);
        await orchestrator.PingAsync();
        await using var tokenHolder = _server.Connect(EnrollmentAccount.BootstrapUser(_server.Token));
        await tokenHolder.ConnectAsync();

        await tokenHolder.PublishAsync(Subjects.DataOut("node-b"), "forged");
        var answering = Task.Run(async () =>
        {
            var request = await enrollment.Msgs.ReadAsync();
            await request.ReplyAsync($"seen {request.Data}");
        });
        var reply = await tokenHolder.RequestAsync<string, string>(Subjects.Enroll, "enroll me").AsTask().WaitAsync(Timeout);
        await answering;

        Assert.Equal("seen enroll me", reply.Data);
        // The cluster's account saw the enrollment request (imported into it) and never the forged message.
        var first = await everything.Msgs.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(Subjects.Enroll, first.Subject);
    }

    [Fact]
    public async Task Another_token_does_not_reach_the_enrollment_account()
    {
        await using var guess = _server.Connect(EnrollmentAccount.BootstrapUser("not-the-token"));

        await Assert.ThrowsAnyAsync<NatsException>(async () => await guess.ConnectAsync());
    }

    [Fact]
    public async Task A_node_can_put_results_in_the_content_store()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        using var orchestratorStore = new ContentStore(orchestrator);
        await orchestratorStore.OpenAsync(CancellationToken.None);
        await using var nodeA = NodeConnection("node-a");
        using var nodeStore = new ContentStore(nodeA);
        var content = "hello"u8.ToArray();
        var cid = Cid.ForRaw(content);

        await nodeStore.PutAsync(cid, new MemoryStream(content), CancellationToken.None).WaitAsync(Timeout);

        using var read = new MemoryStream();
        Assert.True(await orchestratorStore.TryGetAsync(cid, read, CancellationToken.None));
        Assert.Equal(content, read.ToArray());
    }

    [Fact]
    public async Task Bytes_another_node_put_first_under_a_CID_are_never_served_and_give_way_to_the_real_content()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        using var orchestratorStore = new ContentStore(orchestrator);
        await orchestratorStore.OpenAsync(CancellationToken.None);
        await using var forger = NodeConnection("node-b");
        await using var publisher = NodeConnection("node-a");
        using var forgerStore = new ContentStore(forger);
        using var publisherStore = new ContentStore(publisher);
        var content = "the real result"u8.ToArray();
        var cid = Cid.ForRaw(content);

        var objects = await forgerStore.OpenAsync(CancellationToken.None);
        await objects.PutAsync(cid.ToString(), "a forged result"u8.ToArray()).AsTask().WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => publisherStore.PutAsync(cid, new MemoryStream(content), CancellationToken.None).WaitAsync(Timeout));
        Assert.Contains("other bytes", refused.Message, StringComparison.Ordinal);
        using (var forged = new MemoryStream())
        {
            Assert.False(await orchestratorStore.TryGetAsync(cid, forged, CancellationToken.None));
        }

        await publisherStore.PutAsync(cid, new MemoryStream(content), CancellationToken.None).WaitAsync(Timeout);

        using var read = new MemoryStream();
        Assert.True(await orchestratorStore.TryGetAsync(cid, read, CancellationToken.None));
        Assert.Equal(content, read.ToArray());
    }

    [Fact]
    public async Task A_node_reads_content_by_its_CID_with_its_own_permissions_and_only_bytes_the_CID_names()
    {
        await using var orchestrator = _server.Connect(_signer.ServiceUser("orchestrator"));
        using var orchestratorStore = new ContentStore(orchestrator);
        await orchestratorStore.OpenAsync(CancellationToken.None);
        await using var publisher = NodeConnection("node-a");
        await using var forger = NodeConnection("node-b");
        await using var reader = NodeConnection("node-c");
        using var publisherStore = new ContentStore(publisher);
        using var forgerStore = new ContentStore(forger);
        using var readerStore = new ContentStore(reader);
        // Several chunks of the object store's 128 KiB.
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000);
        var cid = Cid.ForRaw(content);
        await publisherStore.PutAsync(cid, new MemoryStream(content), CancellationToken.None).WaitAsync(Timeout);

        using (var read = new MemoryStream())
        {
            Assert.Equal(ContentRead.Found, await readerStore.ReadAsync(cid, read, 1 << 20, CancellationToken.None).WaitAsync(Timeout));
            Assert.Equal(content, read.ToArray());
        }

        // A chunk another node appends under the object's ID afterwards is never read.
        var forgerObjects = await forgerStore.OpenAsync(CancellationToken.None);
        var nuid = (await forgerObjects.GetInfoAsync(cid.ToString())).Nuid;
        await forger.PublishAsync($"$O.{ContentStore.Bucket}.C.{nuid}", "appended"u8.ToArray());
        await forger.PingAsync();
        using (var read = new MemoryStream())
        {
            Assert.Equal(ContentRead.Found, await readerStore.ReadAsync(cid, read, 1 << 20, CancellationToken.None).WaitAsync(Timeout));
            Assert.Equal(content, read.ToArray());
        }

        Assert.Equal(ContentRead.TooLarge, await readerStore.ReadAsync(cid, Stream.Null, 1000, CancellationToken.None).WaitAsync(Timeout));
        var claimed = Cid.ForRaw("the real result"u8.ToArray());
        await forgerObjects.PutAsync(claimed.ToString(), "a forged result"u8.ToArray()).AsTask().WaitAsync(Timeout);
        Assert.Equal(ContentRead.NotMatching, await readerStore.ReadAsync(claimed, Stream.Null, 1 << 20, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ContentRead.Missing, await readerStore.ReadAsync(Cid.ForRaw("never put"u8.ToArray()), Stream.Null, 1 << 20, CancellationToken.None).WaitAsync(Timeout));
    }

    private NatsConnection NodeConnection(string nodeId)
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var jwt = _signer.NodeUser(nodeId, user.GetPublicKey());
        return _server.Connect(NatsAuthOpts.Default with { Jwt = jwt, Seed = user.GetSeed() }, Subjects.Inbox(nodeId));
    }

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
