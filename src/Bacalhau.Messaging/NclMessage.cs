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
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MessageHeaders.Type] = type,
            [MessageHeaders.Source] = source,
            [MessageHeaders.EventTime] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            [MessageHeaders.MessageId] = Guid.NewGuid().ToString("N"),
        };
        if (seqNum > 0)
        {
            metadata[MessageHeaders.SeqNum] = seqNum.ToString(CultureInfo.InvariantCulture);
        }

        var headers = new NatsHeaders();
        foreach (var (key, value) in metadata)
        {
            headers[key] = value;
        }

        return (Envelope.Encode(payload, typeInfo, metadata), headers);
    }
}
