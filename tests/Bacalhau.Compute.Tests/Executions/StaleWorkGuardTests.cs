using Bacalhau.Compute.Executions;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Compute.Tests.Executions;

public sealed class StaleWorkGuardTests
{
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Before_its_first_handshake_a_node_takes_no_offer()
    {
        var guard = new StaleWorkGuard(_time);

        Assert.NotNull(guard.Refusal(1));
    }

    [Fact]
    public void The_first_handshake_of_a_process_declines_what_was_offered_to_its_previous_run()
    {
        var guard = new StaleWorkGuard(_time);

        guard.Joined(guard.Now(), DisconnectTimeout, lastAssignedSeq: 7);

        Assert.Contains("before this node was out of touch", guard.Refusal(7));
        Assert.NotNull(guard.Refusal(1));
        Assert.Null(guard.Refusal(8));
    }

    [Fact]
    public void A_node_heard_within_the_disconnect_timeout_takes_offers()
    {
        var guard = Joined(lastAssignedSeq: 0);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            guard.Heard(guard.Now());
        }

        _time.Advance(DisconnectTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Null(guard.Refusal(1));
    }

    [Fact]
    public void A_node_unheard_for_the_disconnect_timeout_declines_offers_until_heard_again()
    {
        var guard = Joined(lastAssignedSeq: 0);
        var sent = guard.Now();
        // Stopped (SIGSTOP) right after sending a heartbeat the orchestrator accepted, for as long as the timeout.
        _time.Advance(DisconnectTimeout);

        Assert.Contains("out of touch", guard.Refusal(1));

        // A heartbeat sent now and still accepted: the orchestrator holds the node as connected, it declared nothing lost.
        guard.Heard(sent);
        Assert.NotNull(guard.Refusal(1));
        guard.Heard(guard.Now());
        Assert.Null(guard.Refusal(1));
    }

    [Fact]
    public void A_handshake_after_the_node_was_out_of_touch_declines_every_offer_made_before_it()
    {
        var guard = Joined(lastAssignedSeq: 3);
        Assert.Null(guard.Refusal(4));
        _time.Advance(DisconnectTimeout + TimeSpan.FromSeconds(1));

        guard.Joined(guard.Now(), DisconnectTimeout, lastAssignedSeq: 12);

        Assert.NotNull(guard.Refusal(5));
        Assert.NotNull(guard.Refusal(12));
        Assert.Null(guard.Refusal(13));
    }

    [Fact]
    public void A_handshake_sent_in_time_but_answered_after_the_timeout_still_declines_what_came_before()
    {
        var guard = Joined(lastAssignedSeq: 0);
        _time.Advance(TimeSpan.FromSeconds(4));
        var sent = guard.Now();
        // The answer comes late: the orchestrator may have declared the node lost before it read the handshake.
        _time.Advance(TimeSpan.FromSeconds(2));

        guard.Joined(sent, DisconnectTimeout, lastAssignedSeq: 9);

        Assert.NotNull(guard.Refusal(9));
        Assert.Null(guard.Refusal(10));
    }

    [Fact]
    public void A_handshake_within_the_timeout_keeps_the_offers_in_flight()
    {
        // E.g. the orchestrator restarted and asked for a new handshake: it declared nothing lost in the meantime.
        var guard = Joined(lastAssignedSeq: 0);
        _time.Advance(TimeSpan.FromSeconds(2));

        guard.Joined(guard.Now(), DisconnectTimeout, lastAssignedSeq: 20);

        Assert.Null(guard.Refusal(15));
    }

    [Fact]
    public void A_disconnect_timeout_the_orchestrator_did_not_tell_declines_only_what_came_before_the_handshake()
    {
        var guard = new StaleWorkGuard(_time);
        guard.Joined(guard.Now(), TimeSpan.Zero, lastAssignedSeq: 2);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.NotNull(guard.Refusal(2));
        Assert.Null(guard.Refusal(3));
    }

    private StaleWorkGuard Joined(ulong lastAssignedSeq)
    {
        var guard = new StaleWorkGuard(_time);
        guard.Joined(guard.Now(), DisconnectTimeout, lastAssignedSeq);
        return guard;
    }
}
