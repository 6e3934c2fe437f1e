using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Messaging;

/// <summary>
/// A message a state change will send. It gets its sequence number and its bytes only inside the transaction that
/// writes it (<see cref="MessageOutbox.Insert"/>), so a transaction that rolls back takes no number with it.
/// </summary>
/// <remarks>
/// Its event time and message ID are fixed when it is created, not when it is encoded: a replicated orchestrator
/// writes the message into its log, and every replica must encode it to the same envelope as the leader.
/// </remarks>
public abstract class OutboundMessage(string peer, string type, string? traceParent, long eventTime, string messageId)
{
    public string Peer { get; } = peer;

    public string Type { get; } = type;

    /// <summary>The trace of the decision that produced the message, captured when it was made.</summary>
    public string? TraceParent { get; } = traceParent;

    /// <summary>When the decision was made, in Unix milliseconds; the envelope's event time.</summary>
    public long EventTime { get; } = eventTime;

    public string MessageId { get; } = messageId;

    /// <summary>The job and execution the message is about, for the spans that send it; held in memory only.</summary>
    public IExecutionMessage? About { get; init; }

    /// <summary>A message whose payload is already JSON, as a replicated log holds it.</summary>
    public static OutboundMessage FromJson(string peer, string type, JsonElement payload, string? traceParent, long eventTime, string messageId) =>
        new JsonOutboundMessage(peer, type, payload, traceParent, eventTime, messageId);

    /// <summary>Writes the payload as JSON: into the envelope, and into a replicated log.</summary>
    public abstract void WritePayload(Utf8JsonWriter writer);

    internal byte[] Encode(string source, ulong seq) =>
        Contracts.Protocol.Envelope.Encode(this, static (writer, message) => message.WritePayload(writer), NclMessage.Metadata(Type, source, EventTime, MessageId, seq));
}

internal sealed class OutboundMessage<T>(string peer, string type, T payload, JsonTypeInfo<T> typeInfo, string? traceParent)
    : OutboundMessage(peer, type, traceParent, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"))
{
    public override void WritePayload(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, payload, typeInfo);
}

internal sealed class JsonOutboundMessage(string peer, string type, JsonElement payload, string? traceParent, long eventTime, string messageId)
    : OutboundMessage(peer, type, traceParent, eventTime, messageId)
{
    public override void WritePayload(Utf8JsonWriter writer) => payload.WriteTo(writer);
}
