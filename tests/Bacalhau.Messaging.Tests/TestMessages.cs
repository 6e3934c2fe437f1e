using System.Buffers.Binary;
using System.Text;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Messaging.Tests;

/// <summary>The messages the delivery tests send: AskForBid requests, genuine or with a payload of the test's choosing.</summary>
internal static class TestMessages
{
    public static OutboundMessage AskForBid(string peer, string executionId) => MessageOutbox.Create(
        peer,
        MessageTypes.AskForBid,
        new AskForBidRequest { Execution = new Contracts.Models.Jobs.Execution { ID = executionId, JobID = "j-1" } },
        BacalhauJsonContext.Default.AskForBidRequest);

    /// <summary>A genuine envelope around <paramref name="payload"/>, as a sender builds it.</summary>
    public static byte[] Envelope(string payload)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"metadata":{"Bacalhau-Type":"{{MessageTypes.AskForBid}}"},"payload":{{payload}}}""");
        var bytes = new byte[5 + body.Length];
        bytes[0] = Contracts.Protocol.Envelope.JsonVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1, 4), System.IO.Hashing.Crc32.HashToUInt32(body));
        body.CopyTo(bytes, 5);
        return bytes;
    }

    /// <summary>The envelope of an AskForBid request for <paramref name="executionId"/>.</summary>
    public static byte[] AskForBidEnvelope(string executionId) => Envelope($$$"""{"Execution":{"ID":"{{{executionId}}}","JobID":"j-1"}}""");

    /// <summary>The execution an AskForBid envelope is about.</summary>
    public static string ExecutionOf(byte[] envelope) =>
        Contracts.Protocol.Envelope.Decode(envelope).PayloadAs(BacalhauJsonContext.Default.AskForBidRequest).Execution.ID;
}
