using System.Collections.Concurrent;
using System.Globalization;
using Bacalhau.Core.Protocol;
using Bacalhau.Core.Serialization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Bacalhau.Core.Messaging;

/// <summary>
/// Takes ordered messages off a subject: each sequence number is handed to the handler once and in order,
/// duplicates are acknowledged without effect, a gap is reported so the sender resends. The acknowledgement
/// goes out only once the handler's effects are durable.
/// </summary>
public sealed partial class OrderedReceiver(
    INatsConnection nats,
    string subject,
    Func<string, string?> peerOf,
    IReadOnlyDictionary<string, ulong> lastReceived,
    Func<InboundMessage, Task> handler,
    ILogger logger)
{
    private static readonly byte[] OkAck = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Ack(), BacalhauJsonContext.Default.Ack);
    private readonly ConcurrentDictionary<string, ulong> _last = new(lastReceived, StringComparer.Ordinal);

    /// <summary>The last sequence number taken from <paramref name="peer"/>; sent in handshakes so the peer can resume.</summary>
    public ulong LastReceived(string peer) => _last.GetValueOrDefault(peer);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in nats.SubscribeAsync<byte[]>(subject, cancellationToken: cancellationToken))
                {
                    Receive(msg);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NatsException ex)
            {
                LogSubscriptionFailed(logger, subject, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private void Receive(NatsMsg<byte[]> msg)
    {
        if (peerOf(msg.Subject) is not { } peer
            || msg.Headers?.TryGetValue(MessageHeaders.SeqNum, out var seqText) != true
            || !ulong.TryParse(seqText, CultureInfo.InvariantCulture, out var seq))
        {
            LogUnsequenced(logger, msg.Subject);
            return;
        }

        var last = _last.GetValueOrDefault(peer);
        if (seq <= last)
        {
            _ = AckAsync(msg, seq, null);
            return;
        }

        if (seq != last + 1)
        {
            _ = AckAsync(msg, seq, $"out of order: expected {last + 1}, got {seq}");
            return;
        }

        _last[peer] = seq;
        Envelope envelope;
        try
        {
            envelope = Envelope.Decode(msg.Data);
        }
        catch (EnvelopeException ex)
        {
            // A message that can never be read must not block the stream behind it.
            LogDropped(logger, peer, seq, ex.Message);
            _ = AckAsync(msg, seq, null);
            return;
        }

        var traceParent = msg.Headers.TryGetValue("traceparent", out var tp) ? tp.ToString() : null;
        var durable = handler(new InboundMessage(peer, seq, envelope, traceParent));
        _ = AckWhenDurableAsync(msg, peer, seq, durable);
    }

    private async Task AckWhenDurableAsync(NatsMsg<byte[]> msg, string peer, ulong seq, Task durable)
    {
        try
        {
            await durable;
        }
        catch (Exception ex)
        {
            // Not acknowledged, and expected again: the sender times out and resends from here.
            _last.AddOrUpdate(peer, seq - 1, (_, current) => Math.Min(current, seq - 1));
            LogHandlerFailed(logger, seq, ex.Message);
            return;
        }

        await AckAsync(msg, seq, null);
    }

    private async Task AckAsync(NatsMsg<byte[]> msg, ulong seq, string? error)
    {
        if (string.IsNullOrEmpty(msg.ReplyTo))
        {
            return;
        }

        var headers = new NatsHeaders { [MessageHeaders.SeqNum] = seq.ToString(CultureInfo.InvariantCulture) };
        var body = error is null ? OkAck : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Ack { Error = error }, BacalhauJsonContext.Default.Ack);
        try
        {
            await nats.PublishAsync(msg.ReplyTo, body, headers);
        }
        catch (NatsException ex)
        {
            LogAckFailed(logger, seq, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription to {Subject} failed, retrying: {Error}")]
    private static partial void LogSubscriptionFailed(ILogger logger, string subject, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on {Subject} has no sequence number; ignored")]
    private static partial void LogUnsequenced(ILogger logger, string subject);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable message {Seq} from {Peer} dropped: {Error}")]
    private static partial void LogDropped(ILogger logger, string peer, ulong seq, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {Seq} failed; it will be resent: {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, ulong seq, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging message {Seq} failed: {Error}")]
    private static partial void LogAckFailed(ILogger logger, ulong seq, string error);
}
