namespace Bacalhau.Messaging;

/// <summary>A message waiting in the outbox until its receiver acknowledges it. <see cref="Seq"/> counts per peer from 1.</summary>
public sealed record OutboxEntry(string Peer, ulong Seq, string Type, byte[] Envelope, string? TraceParent)
{
    /// <summary>
    /// The job and execution the message is about, for the spans that send it. Held in memory only: an entry read back
    /// from the database after a restart is sent without them.
    /// </summary>
    public Contracts.Protocol.IExecutionMessage? About { get; init; }
}

/// <summary>A message taken off the wire in order, exactly once per <see cref="Seq"/>.</summary>
public sealed record InboundMessage(string Peer, ulong Seq, Contracts.Protocol.Envelope Envelope, string? TraceParent);

/// <summary>An inbound message that can never be handled, set aside with the reason so that the stream goes on.</summary>
public sealed record DeadLetter(string Peer, ulong Seq, string Type, string Reason)
{
    /// <summary>When it was set aside; fixed when it is, so that every replica of a replicated log records the same.</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
}
