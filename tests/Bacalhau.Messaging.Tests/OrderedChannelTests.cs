namespace Bacalhau.Messaging.Tests;

/// <summary>
/// The ordered channel both sides use, against a real nats-server and a real outbox; the clock is fake, so a message is
/// sent again only when a test moves time past the acknowledgement timeout.
/// </summary>
public sealed class OrderedChannelTests
{
    private const string Peer = ChannelBed.Peer;

    [Fact]
    public async Task An_unacknowledged_message_is_sent_again_when_its_timer_fires_and_leaves_the_outbox_once_acknowledged()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Channel.Start();
        await bed.SendAsync("e-1");
        var first = await bed.NextDeliveryAsync();

        // The acknowledgement was lost: once the timeout has passed, the message comes again.
        bed.Time.Advance(OrderedSender.AckTimeout + TimeSpan.FromSeconds(1));
        var again = await bed.NextDeliveryAsync();

        Assert.Equal((1UL, "e-1"), (first.Seq, first.ExecutionId));
        Assert.Equal((1UL, "e-1"), (again.Seq, again.ExecutionId));
        Assert.Equal(1, bed.Database.PendingCount());
        await bed.AckAsync(again, 1);
        await ChannelBed.EventuallyAsync(() => bed.Database.PendingCount() == 0);
    }

    [Fact]
    public async Task A_stream_opened_between_two_ticks_of_the_shared_timer_is_sent_again_once_the_timeout_has_passed_and_counted_until_acknowledged()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Channel.Start();
        // One timer serves every peer; this peer's stream starts part-way through one of its periods.
        bed.Time.Advance(OrderedSender.AckTimeout / 2);
        await bed.SendAsync("e-1");
        var first = await bed.NextDeliveryAsync();
        var waiting = bed.Channel.Unacknowledged;

        bed.Time.Advance(OrderedSender.AckTimeout + TimeSpan.FromSeconds(1));
        var again = await bed.NextDeliveryAsync();
        await bed.AckAsync(again, 1);

        Assert.Equal((1UL, "e-1"), (first.Seq, first.ExecutionId));
        Assert.Equal((1UL, "e-1"), (again.Seq, again.ExecutionId));
        Assert.Equal(1, waiting);
        await ChannelBed.EventuallyAsync(() => bed.Channel.Unacknowledged == 0);
    }

    [Fact]
    public async Task A_gap_the_peer_reports_is_filled_at_once_from_the_first_message_it_lacks()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Channel.Start();
        await bed.SendAsync("e-1", "e-2", "e-3");
        var sent = new[] { await bed.NextDeliveryAsync(), await bed.NextDeliveryAsync(), await bed.NextDeliveryAsync() };
        Assert.Equal([1UL, 2UL, 3UL], sent.Select(d => d.Seq));

        // Message 2 was lost on the way: the peer takes 1 and reports the gap when 3 arrives. The clock stands still.
        await bed.AckAsync(sent[0], 1);
        await bed.AckAsync(sent[2], 3, "out of order: expected 2, got 3");

        var resent = new[] { await bed.NextDeliveryAsync(), await bed.NextDeliveryAsync() };
        Assert.Equal([(2UL, "e-2"), (3UL, "e-3")], resent.Select(d => (d.Seq, d.ExecutionId)));
    }

    [Fact]
    public async Task A_message_that_arrives_before_the_one_it_follows_is_reported_as_a_gap_and_the_stream_is_handled_in_order()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Receive();
        Assert.Equal(new ChannelBed.PeerAck(1, null), await bed.PublishUntilAckedAsync(1, TestMessages.AskForBidEnvelope("e-1")));

        await bed.PublishAsync(3, TestMessages.AskForBidEnvelope("e-3"));
        var gap = await bed.NextAckAsync();
        await bed.PublishAsync(2, TestMessages.AskForBidEnvelope("e-2"));
        await bed.PublishAsync(3, TestMessages.AskForBidEnvelope("e-3"));

        Assert.Equal(new ChannelBed.PeerAck(3, "out of order: expected 2, got 3"), gap);
        Assert.Equal(new ChannelBed.PeerAck(2, null), await bed.NextAckAsync());
        Assert.Equal(new ChannelBed.PeerAck(3, null), await bed.NextAckAsync());
        Assert.Equal([(1UL, "e-1"), (2UL, "e-2"), (3UL, "e-3")], bed.Handled);
        Assert.Equal(3UL, bed.Channel.LastReceivedFrom(Peer));
    }

    [Fact]
    public async Task A_message_received_twice_is_handled_once_and_acknowledged_both_times()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Receive();
        await bed.PublishUntilAckedAsync(1, TestMessages.AskForBidEnvelope("e-1"));

        await bed.PublishAsync(2, TestMessages.AskForBidEnvelope("e-2"));
        Assert.Equal(new ChannelBed.PeerAck(2, null), await bed.NextAckAsync());
        // Its sender did not hear the acknowledgement and sends it again.
        await bed.PublishAsync(2, TestMessages.AskForBidEnvelope("e-2"));
        Assert.Equal(new ChannelBed.PeerAck(2, null), await bed.NextAckAsync());
        await bed.PublishAsync(3, TestMessages.AskForBidEnvelope("e-3"));
        Assert.Equal(new ChannelBed.PeerAck(3, null), await bed.NextAckAsync());

        Assert.Equal([(1UL, "e-1"), (2UL, "e-2"), (3UL, "e-3")], bed.Handled);
    }

    [Fact]
    public async Task After_a_reconnect_the_stream_resumes_right_after_what_the_peer_says_it_processed()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Channel.Start();
        await bed.SendAsync("e-1", "e-2", "e-3", "e-4");
        for (var seq = 1UL; seq <= 4; seq++)
        {
            Assert.Equal(seq, (await bed.NextDeliveryAsync()).Seq);
        }

        // The peer processed 1 and 2, then the connection dropped before it acknowledged anything. In the handshake
        // after the reconnect it says so; the clock stands still, so only the handshake moves the stream.
        var lastAssigned = await bed.Channel.ResumeToAsync(Peer, processedByPeer: 2);

        var resent = new[] { await bed.NextDeliveryAsync(), await bed.NextDeliveryAsync() };
        Assert.Equal(4UL, lastAssigned);
        Assert.Equal([(3UL, "e-3"), (4UL, "e-4")], resent.Select(d => (d.Seq, d.ExecutionId)));
        await bed.AckAsync(resent[1], 4);
        await ChannelBed.EventuallyAsync(() => bed.Database.PendingCount() == 0);
        // Nothing was sent twice after the handshake: the next message follows straight on.
        await bed.SendAsync("e-5");
        Assert.Equal((5UL, "e-5"), await bed.NextDeliveryAsync() is var next ? (next.Seq, next.ExecutionId) : default);
    }

    [Fact]
    public async Task A_peer_that_has_seen_more_than_the_outbox_remembers_gets_new_messages_numbered_after_it()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Channel.Start();

        // Our database was reset; the peer has processed 7 of ours: numbering 1 again would be dropped as duplicates.
        var lastAssigned = await bed.Channel.ResumeToAsync(Peer, processedByPeer: 7);
        await bed.SendAsync("e-8");

        Assert.Equal(7UL, lastAssigned);
        var delivery = await bed.NextDeliveryAsync();
        Assert.Equal((8UL, "e-8"), (delivery.Seq, delivery.ExecutionId));
    }

    [Fact]
    public async Task A_poison_message_goes_to_the_dead_letters_and_the_next_one_is_delivered()
    {
        await using var bed = await ChannelBed.StartAsync();
        bed.Receive();
        await bed.PublishUntilAckedAsync(1, TestMessages.AskForBidEnvelope("e-1"));

        await bed.PublishAsync(2, TestMessages.Envelope("""{"Execution":12}"""));
        await bed.PublishAsync(3, TestMessages.AskForBidEnvelope("e-3"));

        Assert.Equal(new ChannelBed.PeerAck(2, null), await bed.NextAckAsync());
        Assert.Equal(new ChannelBed.PeerAck(3, null), await bed.NextAckAsync());
        Assert.Equal([(1UL, "e-1"), (3UL, "e-3")], bed.Handled);
        var letter = Assert.Single(bed.DeadLetters());
        Assert.Equal(2UL, letter.Seq);
        Assert.Contains("AskForBidRequest", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(3UL, bed.Channel.LastReceivedFrom(Peer));
    }
}
