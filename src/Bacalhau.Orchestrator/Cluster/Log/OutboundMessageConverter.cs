using System.Text.Json;
using System.Text.Json.Serialization;
using Bacalhau.Messaging;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// Outbound messages in the log: peer, type, trace, the envelope's fixed event time and ID, and the payload as the
/// message writes it, read back as JSON, so that a replica encodes the same envelope as the leader.
/// </summary>
internal sealed class OutboundMessageConverter : JsonConverter<List<OutboundMessage>>
{
    public override List<OutboundMessage> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var messages = new List<OutboundMessage>();
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            messages.Add(OutboundMessage.FromJson(
                item.GetProperty("Peer").GetString()!,
                item.GetProperty("Type").GetString()!,
                item.GetProperty("Payload").Clone(),
                item.TryGetProperty("TraceParent", out var trace) ? trace.GetString() : null,
                item.GetProperty("EventTime").GetInt64(),
                item.GetProperty("MessageId").GetString()!));
        }

        return messages;
    }

    public override void Write(Utf8JsonWriter writer, List<OutboundMessage> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var message in value)
        {
            writer.WriteStartObject();
            writer.WriteString("Peer"u8, message.Peer);
            writer.WriteString("Type"u8, message.Type);
            if (message.TraceParent is { } trace)
            {
                writer.WriteString("TraceParent"u8, trace);
            }

            writer.WriteNumber("EventTime"u8, message.EventTime);
            writer.WriteString("MessageId"u8, message.MessageId);
            writer.WritePropertyName("Payload"u8);
            message.WritePayload(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
