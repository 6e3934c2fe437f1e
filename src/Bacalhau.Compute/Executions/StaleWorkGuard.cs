namespace Bacalhau.Compute.Executions;

/// <summary>
/// Decides whether an offer of work from the orchestrator may still be taken, so that a node the orchestrator
/// declared lost never starts what was queued for it before: the orchestrator has failed those executions and run
/// them elsewhere, and the cancels it queued behind them would only stop the second run once it had begun.
/// </summary>
/// <remarks>
/// The orchestrator declares a node lost once it has heard nothing from it (no heartbeat, no handshake) for its
/// disconnect timeout D, and from then on answers it only with "handshake required". So when an offer is handled:
/// <list type="bullet">
/// <item>Before the next handshake: if D has passed since this node sent the last request the orchestrator accepted,
/// it may have been declared lost, and the offer is declined. Otherwise it cannot have been, since that request
/// arrived after it was sent, and the orchestrator's clock has not counted D since. Measured on this node's monotonic
/// clock, which runs on while the process is stopped (SIGSTOP) or starved.</item>
/// <item>After a handshake that was answered D or more after that request (or the first of this process): the node
/// may have been declared lost before it, so every offer numbered up to the last sequence number the orchestrator
/// had assigned at the handshake is declined. The orchestrator reads that number behind every commit it queued
/// before the handshake, so it covers every offer made before it; a node it holds as disconnected gets no new offers
/// until it has handshaken, so the offers after the number are new ones.</item>
/// </list>
/// A declined offer is answered as a rejected bid: an execution the orchestrator still counts on is placed again, one
/// it has already failed stays failed. Declining too much costs a placement; running stale work would run a task
/// twice. A node that restarts therefore declines what was offered to its previous run.
/// </remarks>
public sealed class StaleWorkGuard(TimeProvider time)
{
    private readonly Lock _lock = new();
    private long? _lastHeardSentAt;
    private TimeSpan _disconnectTimeout;
    private ulong _declineUpTo;

    /// <summary>A timestamp to take just before sending a heartbeat or handshake, for <see cref="Heard"/> or <see cref="Joined"/>.</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>The orchestrator accepted a heartbeat sent at <paramref name="sentAt"/>: it still holds this node as connected.</summary>
    public void Heard(long sentAt)
    {
        lock (_lock)
        {
            if (_lastHeardSentAt is null || sentAt > _lastHeardSentAt)
            {
                _lastHeardSentAt = sentAt;
            }
        }
    }

    /// <summary>
    /// The orchestrator accepted a handshake sent at <paramref name="sentAt"/>, telling its disconnect timeout and
    /// the last sequence number it had assigned to this node.
    /// </summary>
    public void Joined(long sentAt, TimeSpan disconnectTimeout, ulong lastAssignedSeq)
    {
        lock (_lock)
        {
            if (OutOfTouch(disconnectTimeout))
            {
                _declineUpTo = Math.Max(_declineUpTo, lastAssignedSeq);
            }

            _disconnectTimeout = disconnectTimeout;
            _lastHeardSentAt = sentAt;
        }
    }

    /// <summary>Why the offer numbered <paramref name="seq"/> must not be taken, or null when it may.</summary>
    public string? Refusal(ulong seq)
    {
        lock (_lock)
        {
            if (seq <= _declineUpTo)
            {
                return "the offer was made before this node was out of touch with the orchestrator for longer than its disconnect timeout";
            }

            return OutOfTouch(_disconnectTimeout)
                ? "this node has been out of touch with the orchestrator for longer than its disconnect timeout"
                : null;
        }
    }

    // A zero timeout is one the orchestrator did not tell: only the offers before the handshake are declined then.
    private bool OutOfTouch(TimeSpan disconnectTimeout) =>
        _lastHeardSentAt is not { } heard || (disconnectTimeout > TimeSpan.Zero && time.GetElapsedTime(heard) >= disconnectTimeout);
}
