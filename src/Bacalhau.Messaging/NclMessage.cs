using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Protocol;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>Builds an NCL message: the envelope bytes plus the same metadata as NATS headers.</summary>
public static class NclMessage
{
    public static (byte[] Data, NatsHeaders Headers) Create<T>(string type, string source, T payload, JsonTypeInfo<T> typeInfo, ulong seqNum = 0)
    {
        var metadata = Metadata(type, source, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Guid.NewGuid().ToString("N"), seqNum);
        var headers = new NatsHeaders();
        foreach (var (key, value) in metadata)
        {
            headers[key] = value;
        }

        return (Envelope.Encode(payload, typeInfo, metadata), headers);
    }

    /// <summary>An envelope's metadata: its type, source, event time (Unix milliseconds), ID and, when numbered, sequence.</summary>
    internal static Dictionary<string, string> Metadata(string type, string source, long eventTime, string messageId, ulong seqNum)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MessageHeaders.Type] = type,
            [MessageHeaders.Source] = source,
            [MessageHeaders.EventTime] = eventTime.ToString(CultureInfo.InvariantCulture),
            [MessageHeaders.MessageId] = messageId,
        };
        if (seqNum > 0)
        {
            metadata[MessageHeaders.SeqNum] = seqNum.ToString(CultureInfo.InvariantCulture);
        }

        return metadata;
    }
}
