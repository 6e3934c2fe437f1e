namespace Bacalhau.Messaging;

/// <summary>A message waiting in the outbox until its receiver acknowledges it. <see cref="Seq"/> counts per peer from 1.</summary>
public sealed record OutboxEntry(string Peer, ulong Seq, string Type, byte[] Envelope, string? TraceParent);

/// <summary>A message taken off the wire in order, exactly once per <see cref="Seq"/>.</summary>
public sealed record InboundMessage(string Peer, ulong Seq, Contracts.Protocol.Envelope Envelope, string? TraceParent);

/// <summary>An inbound message that can never be handled, set aside with the reason so that the stream goes on.</summary>
public sealed record DeadLetter(string Peer, ulong Seq, string Type, string Reason);
