using System.Collections.Concurrent;
using System.Globalization;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>
/// Takes ordered messages off a subject: each sequence number is handed to the handler once and in order,
/// duplicates are acknowledged without effect, a gap is reported so the sender resends. A sequence number is
/// acknowledged only once it and every number before it are durable, because the sender takes an acknowledgement
/// as covering everything up to it.
/// </summary>
/// <remarks>
/// What goes wrong with a message decides what happens to it:
/// <list type="bullet">
/// <item>An envelope that cannot be read (bad checksum, unknown version) is ignored: not acknowledged and not
/// counted, so the number stays free for the genuine message, which its sender resends.</item>
/// <item>A readable envelope whose handling fails the same way every time (a payload that does not deserialize, a
/// handler that throws) is a dead letter: recorded with the reason by <c>deadLetter</c>, counted and acknowledged,
/// and the stream goes on behind it. Until a later number is taken, a message arriving with the dead letter's number
/// is handled in its place: a stranger's undecodable message cannot make the genuine one a duplicate.</item>
/// <item>Handling that fails for a reason that passes (the database cannot commit: disk full, I/O error) is not
/// acknowledged; the receiver takes nothing from that peer for a moment, then the sender's resend is handled
/// again from that number.</item>
/// </list>
/// </remarks>
public sealed partial class OrderedReceiver(
    INatsConnection nats,
    string subject,
    Func<string, string?> peerOf,
    IReadOnlyDictionary<string, ulong> lastReceived,
    Func<InboundMessage, Task> handler,
    Func<DeadLetter, InboundMessage, Task> deadLetter,
    ILogger logger,
    TimeProvider time)
{
    private static readonly byte[] OkAck = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Ack(), BacalhauJsonContext.Default.Ack);
    private const int MaxReasonLength = 1024;
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, PeerProgress> _peers = new(StringComparer.Ordinal);

    /// <summary>The last sequence number durably processed from <paramref name="peer"/>; sent in handshakes so the peer can resume.</summary>
    public ulong LastReceived(string peer) => _peers.TryGetValue(peer, out var progress) ? progress.Durable : lastReceived.GetValueOrDefault(peer);

    /// <summary>Whether <paramref name="ex"/> may pass on its own, so that handling the same message again can succeed.</summary>
    public static bool IsTransient(Exception ex) =>
        ex is Microsoft.Data.Sqlite.SqliteException or IOException or OperationCanceledException or ObjectDisposedException or TimeoutException;

    /// <summary>Takes messages off the subject until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        nats.SubscribeUntilStoppedAsync(subject, Receive, logger, time, cancellationToken);

    private PeerProgress Progress(string peer) => _peers.GetOrAdd(peer, p => new PeerProgress(lastReceived.GetValueOrDefault(p)));

    private ValueTask Receive(NatsMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        Take(msg);
        return ValueTask.CompletedTask;
    }

    private void Take(NatsMsg<byte[]> msg)
    {
        if (peerOf(msg.Subject) is not { } peer
            || msg.Headers?.TryGetValue(MessageHeaders.SeqNum, out var seqText) != true
            || !ulong.TryParse(seqText, CultureInfo.InvariantCulture, out var seq))
        {
            LogUnsequenced(logger, msg.Subject);
            return;
        }

        var progress = Progress(peer);
        ulong expected;
        lock (progress)
        {
            if (seq == progress.ReplaceableDeadLetter)
            {
                // In place of the dead letter with this number; nothing after it has been taken yet.
                progress.ReplaceableDeadLetter = 0;
                progress.Handed = seq - 1;
            }

            if (seq <= progress.Handed)
            {
                // A duplicate: acknowledged once it is durable, which it may not be yet.
                if (seq <= progress.Durable)
                {
                    _ = AckAsync(msg.ReplyTo, progress.Durable, null);
                }

                return;
            }

            if (time.GetTimestamp() < progress.PausedUntil)
            {
                // Handling just failed for a passing reason: let the sender's timeout bring the message back later.
                return;
            }

            expected = progress.Handed + 1;
        }

        if (seq != expected)
        {
            _ = AckAsync(msg.ReplyTo, seq, $"out of order: expected {expected}, got {seq}");
            return;
        }

        Envelope envelope;
        try
        {
            envelope = Envelope.Decode(msg.Data);
        }
        catch (EnvelopeException ex)
        {
            // Not counted: the number stays free for the genuine message, which its sender resends.
            LogUnreadable(logger, peer, seq, ex.Message);
            return;
        }

        lock (progress)
        {
            progress.Handed = seq;
            progress.ReplaceableDeadLetter = 0;
        }

        var traceParent = msg.Headers.TryGetValue("traceparent", out var tp) ? tp.ToString() : null;
        var message = new InboundMessage(peer, seq, envelope, traceParent);
        Task durable;
        try
        {
            durable = handler(message);
        }
        catch (Exception ex)
        {
            durable = Task.FromException(ex);
        }

        _ = SettleAsync(progress, msg.ReplyTo, message, durable);
    }

    private async Task SettleAsync(PeerProgress progress, string? replyTo, InboundMessage message, Task durable)
    {
        var deadLettered = false;
        try
        {
            try
            {
                await durable;
            }
            catch (Exception ex) when (!IsTransient(ex))
            {
                var reason = ex.Message.Length <= MaxReasonLength ? ex.Message : ex.Message[..MaxReasonLength];
                var letter = new DeadLetter(message.Peer, message.Seq, message.Envelope.Type ?? "", reason);
                LogDeadLetter(logger, message.Seq, letter.Type, message.Peer, ex.Message);
                await deadLetter(letter, message);
                deadLettered = true;
            }
        }
        catch (Exception ex)
        {
            lock (progress)
            {
                progress.Fail(message.Seq);
                progress.PausedUntil = time.GetTimestamp() + (long)(PauseAfterFailure.TotalSeconds * time.TimestampFrequency);
            }

            LogHandlerFailed(logger, message.Seq, message.Peer, ex.Message);
            return;
        }

        ulong ackUpTo;
        lock (progress)
        {
            ackUpTo = progress.MarkDurable(message.Seq);
            if (deadLettered && progress.Handed == message.Seq)
            {
                progress.ReplaceableDeadLetter = message.Seq;
            }
        }

        if (ackUpTo > 0)
        {
            await AckAsync(replyTo, ackUpTo, null);
        }
    }

    private async Task AckAsync(string? replyTo, ulong seq, string? error)
    {
        if (string.IsNullOrEmpty(replyTo))
        {
            return;
        }

        var headers = new NatsHeaders { [MessageHeaders.SeqNum] = seq.ToString(CultureInfo.InvariantCulture) };
        var body = error is null ? OkAck : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Ack { Error = error }, BacalhauJsonContext.Default.Ack);
        try
        {
            await nats.PublishAsync(replyTo, body, headers);
        }
        catch (NatsException ex)
        {
            LogAckFailed(logger, seq, ex.Message);
        }
    }

    /// <summary>How far the stream from one peer has come; guarded by its own lock.</summary>
    private sealed class PeerProgress(ulong durable)
    {
        private SortedSet<ulong>? _durableAhead;

        /// <summary>The last number handed to the handler; lowered again when handling fails for a passing reason.</summary>
        public ulong Handed { get; set; } = durable;

        /// <summary>The last number such that it and every one before it are durable.</summary>
        public ulong Durable { get; private set; } = durable;

        public long PausedUntil { get; set; }

        /// <summary>The last number handed, when it was set aside as a dead letter; 0 otherwise.</summary>
        public ulong ReplaceableDeadLetter { get; set; }

        /// <summary>
        /// Handling <paramref name="seq"/> failed for a passing reason: it is taken again, and so is everything after
        /// it, whose durable handling no longer counts (the database's received mark did not move past the gap).
        /// </summary>
        public void Fail(ulong seq)
        {
            Handed = Math.Min(Handed, seq - 1);
            _durableAhead?.RemoveWhere(s => s >= seq);
        }

        /// <summary>Records <paramref name="seq"/> as durable; returns the new acknowledgement mark, or 0 when it did not move.</summary>
        public ulong MarkDurable(ulong seq)
        {
            if (seq <= Durable)
            {
                // Handled again (after a failure before it, or in place of a dead letter): covered already.
                return Durable;
            }

            if (seq != Durable + 1)
            {
                // An earlier message is still in hand, or failed and comes again.
                (_durableAhead ??= []).Add(seq);
                return 0;
            }

            Durable = seq;
            while (_durableAhead is { Count: > 0 } ahead && ahead.Min <= Durable + 1)
            {
                Durable = Math.Max(Durable, ahead.Min);
                ahead.Remove(ahead.Min);
            }

            return Durable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on {Subject} has no sequence number; ignored")]
    private static partial void LogUnsequenced(ILogger logger, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message {Seq} from {Peer} ignored; its sender resends it: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string peer, ulong seq, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {Seq} ({Type}) from {Peer} can never be handled; set aside as a dead letter: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, ulong seq, string type, string peer, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {Seq} from {Peer} failed; taken again when its sender resends it: {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, ulong seq, string peer, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging message {Seq} failed: {Error}")]
    private static partial void LogAckFailed(ILogger logger, ulong seq, string error);
}
