using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bacalhau.Contracts.Protocol;

/// <summary>
/// NCL envelope: one version byte (1 = JSON), the big-endian CRC32 (IEEE) of what follows, then
/// <c>{"metadata":{...},"payload":{...}}</c>. The checksum lets a receiver refuse a corrupted message
/// instead of acting on it.
/// </summary>
public sealed class Envelope
{
    public const byte JsonVersion = 1;
    private const int HeaderLength = 5;

    private Envelope(IReadOnlyDictionary<string, string> metadata, JsonElement payload)
    {
        Metadata = metadata;
        Payload = payload;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public JsonElement Payload { get; }

    public string? Type => Metadata.GetValueOrDefault(MessageHeaders.Type);

    /// <summary>The payload as <typeparamref name="T"/>; a payload of another shape is an <see cref="EnvelopeException"/>.</summary>
    public T PayloadAs<T>(JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return Payload.Deserialize(typeInfo) ?? throw new EnvelopeException($"{typeof(T).Name} payload is null");
        }
        catch (JsonException ex)
        {
            throw new EnvelopeException($"{Type ?? typeof(T).Name} payload is not a valid {typeof(T).Name}: {ex.Message}");
        }
    }

    public static byte[] Encode<T>(T payload, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, string> metadata) =>
        Encode((payload, typeInfo), static (writer, state) => JsonSerializer.Serialize(writer, state.payload, state.typeInfo), metadata);

    /// <summary>An envelope whose payload <paramref name="writePayload"/> writes, from <paramref name="state"/>.</summary>
    public static byte[] Encode<TState>(TState state, Action<Utf8JsonWriter, TState> writePayload, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(HeaderLength);
        buffer.GetSpan(HeaderLength);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("metadata"u8);
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WritePropertyName("payload"u8);
            writePayload(writer, state);
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        bytes[0] = JsonVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1, 4), Crc32.HashToUInt32(bytes.AsSpan(HeaderLength)));
        return bytes;
    }

    public static Envelope Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength)
        {
            throw new EnvelopeException($"message of {data.Length} bytes is shorter than the {HeaderLength}-byte envelope header");
        }

        if (data[0] != JsonVersion)
        {
            throw new EnvelopeException($"unsupported envelope version {data[0]} (this node speaks version {JsonVersion})");
        }

        var body = data[HeaderLength..];
        var expected = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(1, 4));
        var actual = Crc32.HashToUInt32(body);
        if (expected != actual)
        {
            throw new EnvelopeException($"envelope checksum mismatch (expected {expected:x8}, got {actual:x8})");
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var metadataElement) && metadataElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in metadataElement.EnumerateObject())
                {
                    metadata[property.Name] = property.Value.ToString();
                }
            }

            if (!root.TryGetProperty("payload", out var payload))
            {
                throw new EnvelopeException("envelope has no payload");
            }

            return new Envelope(metadata, payload.Clone());
        }
        catch (JsonException ex)
        {
            throw new EnvelopeException($"envelope body is not valid JSON: {ex.Message}");
        }
    }
}

public sealed class EnvelopeException(string message) : Exception(message);
