using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;

namespace Bacalhau.Compute.Tests.Transport;

public sealed class OrchestratorLinkTests
{
    private const string NoOrchestratorYet = "no orchestrator is listening on this NATS server yet";
    private static readonly BacalhauJsonContext Json = BacalhauJsonContext.Default;

    [Fact]
    public async Task While_no_orchestrator_answers_the_node_retries_with_a_delay_that_doubles_up_to_one_second()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();

        await bed.Link.StartAsync(CancellationToken.None);
        var delays = new List<double>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var delay = await bed.Time.NextTimerAsync();
            delays.Add(delay.TotalSeconds);
            Assert.Equal(NoOrchestratorYet, bed.Link.LastError);
            Assert.False(bed.Link.IsJoined);
            bed.Time.Advance(delay);
        }

        Assert.Equal([0.25, 0.5, 1, 1, 1, 1], delays);
    }

    [Fact]
    public async Task A_node_joins_when_its_handshake_is_accepted_and_then_heartbeats_with_its_free_capacity()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();

        await bed.Link.StartAsync(CancellationToken.None);
        var handshake = await orchestrator.NextAsync(MessageTypes.HandshakeRequest);
        await handshake.ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        var period = await bed.Time.NextTimerAsync();
        var joined = (bed.Link.IsJoined, bed.Link.LastError);
        bed.Time.Advance(period);
        var heartbeat = await orchestrator.NextAsync(MessageTypes.HeartbeatRequest);

        var sent = handshake.Payload(Json.HandshakeRequest);
        Assert.Equal((bed.NodeId, 0UL), (sent.NodeInfo.NodeID, sent.LastOrchestratorSeqNum));
        Assert.Equal(["noop"], sent.NodeInfo.ComputeNodeInfo?.ExecutionEngines);
        Assert.Equal(OrchestratorLinkBed.Heartbeat, period);
        Assert.Equal((true, (string?)null), joined);
        var beat = heartbeat.Payload(Json.HeartbeatRequest);
        Assert.Equal(bed.NodeId, beat.NodeID);
        Assert.Equal(bed.Node.Manager.AvailableCapacity, beat.AvailableCapacity);
    }

    [Fact]
    public async Task A_refused_handshake_is_reported_and_retried_with_backoff_until_it_is_accepted()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();

        await bed.Link.StartAsync(CancellationToken.None);
        var delays = new List<double>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var refused = await orchestrator.NextAsync(MessageTypes.HandshakeRequest);
            await refused.ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = false, Reason = "node is rejected" }, Json.HandshakeResponse);
            var delay = await bed.Time.NextTimerAsync();
            delays.Add(delay.TotalSeconds);
            Assert.Equal("the orchestrator refused this node: node is rejected", bed.Link.LastError);
            Assert.False(bed.Link.IsJoined);
            bed.Time.Advance(delay);
        }

        var accepted = await orchestrator.NextAsync(MessageTypes.HandshakeRequest);
        await accepted.ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);

        Assert.Equal(OrchestratorLinkBed.Heartbeat, await bed.Time.NextTimerAsync());
        // A refusal does not fix itself within seconds as a starting orchestrator does: its delay grows past a second.
        Assert.Equal([0.25, 0.5, 1, 2, 4, 8], delays);
        Assert.True(bed.Link.IsJoined);
        Assert.Null(bed.Link.LastError);
    }

    [Fact]
    public async Task A_heartbeat_the_orchestrator_refuses_makes_the_node_handshake_again_after_the_shortest_delay()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();

        // Two attempts find nobody, so the delay has grown before the node joins.
        await bed.Link.StartAsync(CancellationToken.None);
        bed.Time.Advance(await bed.Time.NextTimerAsync());
        var grown = await bed.Time.NextTimerAsync();
        var orchestrator = await bed.OrchestratorAsync();
        bed.Time.Advance(grown);
        await (await orchestrator.NextAsync(MessageTypes.HandshakeRequest)).ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        bed.Time.Advance(await bed.Time.NextTimerAsync());
        var heartbeat = await orchestrator.NextAsync(MessageTypes.HeartbeatRequest);
        await heartbeat.ReplyAsync(MessageTypes.HeartbeatResponse, new HeartbeatResponse { Accepted = false, Reason = "unknown node" }, Json.HeartbeatResponse);
        var retry = await bed.Time.NextTimerAsync();
        var afterRefusal = bed.Link.IsJoined;
        bed.Time.Advance(retry);

        await orchestrator.NextAsync(MessageTypes.HandshakeRequest);
        Assert.Equal(TimeSpan.FromMilliseconds(500), grown);
        Assert.Equal(TimeSpan.FromMilliseconds(250), retry);
        Assert.False(afterRefusal);
    }

    [Fact]
    public async Task An_unanswered_heartbeat_says_the_node_is_not_heard_and_the_node_keeps_beating()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();
        await bed.Link.StartAsync(CancellationToken.None);
        await (await orchestrator.NextAsync(MessageTypes.HandshakeRequest)).ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        bed.Time.Advance(await bed.Time.NextTimerAsync());

        // Not answered: the node's request times out (10 s of real time, the NATS client's own timer).
        await orchestrator.NextAsync(MessageTypes.HeartbeatRequest);
        var retry = await bed.Time.NextTimerAsync();
        bed.Time.Advance(retry);
        var next = await orchestrator.NextAsync(MessageTypes.HeartbeatRequest);
        var (joined, error) = (bed.Link.IsJoined, bed.Link.LastError);
        await next.ReplyAsync(MessageTypes.HeartbeatResponse, new HeartbeatResponse { Accepted = true }, Json.HeartbeatResponse);

        Assert.Equal(TimeSpan.FromMilliseconds(500), retry);
        Assert.False(joined);
        Assert.Equal("heartbeat not answered: the orchestrator did not answer within 10 s", error);
    }

    [Fact]
    public async Task An_unanswered_heartbeat_is_tried_again_after_half_a_second_doubling_up_to_the_period()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();
        await bed.Link.StartAsync(CancellationToken.None);
        await (await orchestrator.NextAsync(MessageTypes.HandshakeRequest)).ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        var period = await bed.Time.NextTimerAsync();
        await bed.StopOrchestratorAsync();

        bed.Time.Advance(period);
        var delays = new List<double>();
        for (var attempt = 0; attempt < 7; attempt++)
        {
            var delay = await bed.Time.NextTimerAsync();
            delays.Add(delay.TotalSeconds);
            bed.Time.Advance(delay);
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 15, 15], delays);
        Assert.Equal($"heartbeat not answered: {NoOrchestratorYet}", bed.Link.LastError);
        Assert.False(bed.Link.IsJoined);
    }

    [Fact]
    public async Task A_node_asked_to_rejoin_by_an_orchestrator_handshakes_at_once_instead_of_at_its_next_heartbeat()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();
        await bed.Link.StartAsync(CancellationToken.None);
        await (await orchestrator.NextAsync(MessageTypes.HandshakeRequest)).ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        Assert.Equal(OrchestratorLinkBed.Heartbeat, await bed.Time.NextTimerAsync());

        // Time stands still: only the notice can bring the handshake. It is sent again until the node's subscription,
        // made as it connected, is known to the server.
        var (data, headers) = NclMessage.Create(MessageTypes.RejoinRequest, "new-leader", new RejoinRequest { Reason = "an orchestrator took over the control plane" }, Json.RejoinRequest);
        ControlRequest? next = null;
        for (var attempt = 0; attempt < 30 && next is null; attempt++)
        {
            await bed.OrchestratorConnection.PublishAsync(Subjects.ControlIn(bed.NodeId), data, headers);
            next = await orchestrator.NextWithinAsync(TimeSpan.FromSeconds(2));
        }

        Assert.NotNull(next);
        Assert.Equal(MessageTypes.HandshakeRequest, next.Envelope.Type);
    }

    [Fact]
    public async Task A_joined_node_that_stops_tells_the_orchestrator()
    {
        await using var bed = await OrchestratorLinkBed.StartAsync();
        var orchestrator = await bed.OrchestratorAsync();
        await bed.Link.StartAsync(CancellationToken.None);
        await (await orchestrator.NextAsync(MessageTypes.HandshakeRequest)).ReplyAsync(MessageTypes.HandshakeResponse, new HandshakeResponse { Accepted = true }, Json.HandshakeResponse);
        await bed.Time.NextTimerAsync();

        var stopping = bed.Link.StopAsync(CancellationToken.None);
        var notice = await orchestrator.NextAsync(MessageTypes.ShutdownNoticeRequest);
        await notice.ReplyAsync(MessageTypes.ShutdownNoticeResponse, new ShutdownNoticeResponse(), Json.ShutdownNoticeResponse);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        var sent = notice.Payload(Json.ShutdownNoticeRequest);
        Assert.Equal((bed.NodeId, "graceful shutdown"), (sent.NodeID, sent.Reason));
    }
}
