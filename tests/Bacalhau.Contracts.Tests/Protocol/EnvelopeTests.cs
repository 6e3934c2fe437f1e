using System.Buffers.Binary;
using System.Text;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Contracts.Tests.Protocol;

public sealed class EnvelopeTests
{
    private static readonly HeartbeatRequest Heartbeat = new()
    {
        NodeID = "n-1",
        AvailableCapacity = new Resources { CPU = 1.5, Memory = 1024 },
        LastOrchestratorSeqNum = 7,
    };

    [Fact]
    public void Encode_then_decode_returns_the_payload_and_metadata()
    {
        var bytes = Envelope.Encode(Heartbeat, BacalhauJsonContext.Default.HeartbeatRequest, new Dictionary<string, string> { [MessageHeaders.Type] = MessageTypes.HeartbeatRequest });

        var envelope = Envelope.Decode(bytes);

        Assert.Equal(MessageTypes.HeartbeatRequest, envelope.Type);
        Assert.Equal(Heartbeat, envelope.PayloadAs(BacalhauJsonContext.Default.HeartbeatRequest));
    }

    [Fact]
    public void Layout_is_version_byte_then_big_endian_crc32_then_json()
    {
        var bytes = Envelope.Encode(Heartbeat, BacalhauJsonContext.Default.HeartbeatRequest, new Dictionary<string, string>());

        Assert.Equal(1, bytes[0]);
        var json = Encoding.UTF8.GetString(bytes.AsSpan(5));
        Assert.StartsWith("{\"metadata\":{},\"payload\":{\"NodeID\":\"n-1\"", json, StringComparison.Ordinal);
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(5)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)));
    }

    [Fact]
    public void A_flipped_byte_is_refused_by_the_checksum()
    {
        var bytes = Envelope.Encode(Heartbeat, BacalhauJsonContext.Default.HeartbeatRequest, new Dictionary<string, string>());
        bytes[^3] ^= 0x20;

        var error = Assert.Throws<EnvelopeException>(() => Envelope.Decode(bytes));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2 }, "shorter")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, (byte)'{', (byte)'}' }, "version 2")]
    public void Malformed_messages_are_refused_with_a_reason(byte[] data, string reason)
    {
        var error = Assert.Throws<EnvelopeException>(() => Envelope.Decode(data));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
