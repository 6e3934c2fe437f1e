using System.Text.Json.Serialization.Metadata;

namespace Bacalhau.Messaging;

/// <summary>
/// A message a state change will send. It gets its sequence number and its bytes only inside the transaction that
/// writes it (<see cref="MessageOutbox.Insert"/>), so a transaction that rolls back takes no number with it.
/// </summary>
public abstract class OutboundMessage(string peer, string type, string? traceParent)
{
    public string Peer { get; } = peer;

    public string Type { get; } = type;

    /// <summary>The trace of the decision that produced the message, captured when it was made.</summary>
    public string? TraceParent { get; } = traceParent;

    internal abstract byte[] Encode(string source, ulong seq);
}

internal sealed class OutboundMessage<T>(string peer, string type, T payload, JsonTypeInfo<T> typeInfo, string? traceParent)
    : OutboundMessage(peer, type, traceParent)
{
    internal override byte[] Encode(string source, ulong seq) => NclMessage.Create(Type, source, payload, typeInfo, seq).Data;
}
