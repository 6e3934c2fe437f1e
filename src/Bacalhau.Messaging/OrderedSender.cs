using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>
/// Delivers outbox entries to each peer in sequence order with a window of unacknowledged messages in flight.
/// An entry leaves the outbox only when the receiver acknowledges it; a gap reported by the receiver or a
/// missing acknowledgement rewinds to the first unacknowledged entry, and the receiver drops duplicates.
/// </summary>
public sealed partial class OrderedSender : IAsyncDisposable
{
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Messaging");

    private const int Window = 512;

    /// <summary>How long the first unacknowledged message waits for its acknowledgement before it is sent again.</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);

    private readonly INatsConnection _nats;
    private readonly Func<string, string> _subjectOf;
    private readonly AckRoute _acks;
    private readonly string _source;
    private readonly GroupCommitWriter _writer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, PeerStream> _peers = new(StringComparer.Ordinal);

    /// <summary>The streams with messages not yet acknowledged: the only ones the timer has anything to check.</summary>
    private readonly ConcurrentDictionary<string, PeerStream> _waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeriodicTimer _ackTimer;
    private readonly Task _ackWatch;
    private Task? _ackLoop;
    private int _disposed;

    public OrderedSender(INatsConnection nats, Func<string, string> subjectOf, AckRoute acks, string source, GroupCommitWriter writer, ILogger logger, TimeProvider time)
    {
        _nats = nats;
        _subjectOf = subjectOf;
        _acks = acks;
        _source = source;
        _writer = writer;
        _logger = logger;
        _time = time;
        // A quarter of the timeout bounds how late a missing acknowledgement is noticed, as a stream's own timer did.
        _ackTimer = new PeriodicTimer(AckTimeout / 4, time);
        _ackWatch = Task.Run(() => WatchAcksAsync(_stopping.Token));
    }

    public void Start(IEnumerable<OutboxEntry> pending)
    {
        _ackLoop = Task.Run(() => ReceiveAcksAsync(_stopping.Token));
        Enqueue(pending);
    }

    /// <summary>Hands committed entries to their peers' streams.</summary>
    public void Enqueue(IEnumerable<OutboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            Stream(entry.Peer).Add(entry);
        }
    }

    /// <summary>Messages handed to the streams and not yet acknowledged, over all peers.</summary>
    public int Unacknowledged => _waiting.Values.Sum(p => p.Pending);

    /// <summary>The receiver told us (in a handshake) what it has processed: resume right after it.</summary>
    public void Resync(string peer, ulong receiverLast) => Stream(peer).Resync(receiverLast);

    /// <summary>Stops sending; safe to call twice (its owner stops it, and then the container disposes it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_ackWatch, _ackLoop ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _ackTimer.Dispose();
        _stopping.Dispose();
    }

    private PeerStream Stream(string peer) => _peers.GetOrAdd(peer, p => new PeerStream(this, p));

    /// <summary>
    /// One timer for every peer, visiting only the streams with messages waiting: a stream rewinds after a missing
    /// acknowledgement. A timer per stream woke the orchestrator once per node every few seconds, idle or not (33,000
    /// times a second for 100,000 nodes), and so would a visit of every stream.
    /// </summary>
    private async Task WatchAcksAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _ackTimer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var (_, stream) in _waiting)
                {
                    _ = stream.SendReadyAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private Task ReceiveAcksAsync(CancellationToken cancellationToken) =>
        _nats.SubscribeUntilStoppedAsync(_acks.SubscriptionOf(_instance), OnAck, _logger, _time, cancellationToken);

    private ValueTask OnAck(NatsMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        if (_acks.PeerOf(msg.Subject) is { } peer
            && msg.Headers?.TryGetValue(MessageHeaders.SeqNum, out var seqText) == true
            && ulong.TryParse(seqText, CultureInfo.InvariantCulture, out var seq)
            && _peers.TryGetValue(peer, out var stream))
        {
            var ack = msg.Data is { Length: > 0 } ? System.Text.Json.JsonSerializer.Deserialize(msg.Data, BacalhauJsonContext.Default.Ack) : new Ack();
            stream.OnAck(seq, ack?.Error ?? "");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The ordered stream of messages to one peer. Whoever makes a message sendable (a commit handing it over, an
    /// acknowledgement opening the window) publishes it on its own thread, one thread at a time; a timer only rewinds
    /// after a missing acknowledgement.
    /// </summary>
    private sealed class PeerStream
    {
        private readonly OrderedSender _owner;
        private readonly string _peer;
        private readonly string _subject;
        private readonly string _replyTo;
        private readonly Lock _lock = new();
        private readonly SortedDictionary<ulong, OutboxEntry> _pending = [];
        private ulong _acked;
        private ulong _nextToSend;
        private long _lastProgress;
        private int _sending;
        private bool _forgetQueued;

        public PeerStream(OrderedSender owner, string peer)
        {
            _owner = owner;
            _peer = peer;
            _subject = owner._subjectOf(peer);
            _replyTo = owner._acks.SubjectOf(peer, owner._instance);
            _lastProgress = owner._time.GetTimestamp();
        }

        public int Pending
        {
            get
            {
                lock (_lock)
                {
                    return _pending.Count;
                }
            }
        }

        public void Add(OutboxEntry entry)
        {
            lock (_lock)
            {
                if (entry.Seq <= _acked)
                {
                    return;
                }

                _pending[entry.Seq] = entry;
                if (_pending.Count == 1)
                {
                    _owner._waiting[_peer] = this;
                }
                if (_nextToSend == 0)
                {
                    _nextToSend = _pending.Keys.First();
                    _acked = _nextToSend - 1;
                }
            }

            _ = SendReadyAsync();
        }

        public void Resync(ulong receiverLast)
        {
            lock (_lock)
            {
                Acknowledge(receiverLast);
                _nextToSend = _acked + 1;
                _lastProgress = _owner._time.GetTimestamp();
            }

            _ = SendReadyAsync();
        }

        public void OnAck(ulong seq, string error)
        {
            var forget = false;
            lock (_lock)
            {
                if (string.IsNullOrEmpty(error))
                {
                    // Acknowledged entries leave the outbox in one delete for every ack that arrives before it is written.
                    forget = Acknowledge(seq) && !_forgetQueued;
                    _forgetQueued |= forget;
                }
                else if (_nextToSend > _acked + 1)
                {
                    // The receiver saw a gap: send again from the first message it lacks.
                    _nextToSend = _acked + 1;
                }
            }

            if (forget)
            {
                _ = _owner._writer.WriteAsync(ForgetAcknowledged);
            }

            _ = SendReadyAsync();
        }

        private void ForgetAcknowledged(SqliteConnection connection, SqliteTransaction transaction)
        {
            ulong upTo;
            lock (_lock)
            {
                upTo = _acked;
                _forgetQueued = false;
            }

            MessageOutbox.Acknowledged(connection, transaction, _peer, upTo);
        }

        private bool Acknowledge(ulong seq)
        {
            if (seq <= _acked)
            {
                return false;
            }

            _acked = seq;
            _lastProgress = _owner._time.GetTimestamp();
            while (_pending.Count > 0 && _pending.Keys.First() <= seq)
            {
                _pending.Remove(_pending.Keys.First());
            }

            if (_pending.Count == 0)
            {
                _owner._waiting.TryRemove(_peer, out _);
            }

            if (_nextToSend <= seq)
            {
                _nextToSend = seq + 1;
            }

            return true;
        }

        /// <summary>Publishes what the window allows; a caller that finds another thread sending leaves it to that one.</summary>
        public async Task SendReadyAsync()
        {
            var cancellationToken = _owner._stopping.Token;
            while (!cancellationToken.IsCancellationRequested && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            {
                try
                {
                    foreach (var entry in TakeReady())
                    {
                        try
                        {
                            await _owner.PublishAsync(entry, _subject, _replyTo, cancellationToken);
                        }
                        catch (NatsException ex)
                        {
                            // This and the rest go again when the missing acknowledgement rewinds the stream.
                            LogSendFailed(_owner._logger, _peer, entry.Seq, ex.Message);
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                finally
                {
                    Volatile.Write(ref _sending, 0);
                }

                lock (_lock)
                {
                    // Another thread may have made more sendable while this one held the stream.
                    if (!NextIsSendable(out _))
                    {
                        return;
                    }
                }
            }
        }

        private List<OutboxEntry> TakeReady()
        {
            var batch = new List<OutboxEntry>();
            lock (_lock)
            {
                var inFlight = _nextToSend > _acked + 1;
                if (inFlight && _owner._time.GetElapsedTime(_lastProgress) > AckTimeout)
                {
                    // No acknowledgement for a while (peer away, message lost): start again from the first unacknowledged.
                    _nextToSend = _acked + 1;
                    _lastProgress = _owner._time.GetTimestamp();
                }

                while (NextIsSendable(out var entry))
                {
                    batch.Add(entry);
                    _nextToSend++;
                }
            }

            return batch;
        }

        /// <summary>Whether the next message is queued and inside the window; call under the lock.</summary>
        private bool NextIsSendable([MaybeNullWhen(false)] out OutboxEntry entry)
        {
            entry = null;
            return _nextToSend - _acked <= Window && _pending.TryGetValue(_nextToSend, out entry);
        }
    }

    private async ValueTask PublishAsync(OutboxEntry entry, string subject, string replyTo, CancellationToken cancellationToken)
    {
        // The send continues the trace of the decision that produced the message; NATS.Net's own publish span,
        // which carries the context to the receiver, nests under it.
        ActivityContext.TryParse(entry.TraceParent, null, out var parent);
        using var activity = ActivitySource.StartActivity($"send {entry.Type}", ActivityKind.Producer, parent);
        activity?.SetTag("bacalhau.peer", entry.Peer);
        activity?.SetTag("bacalhau.seq", entry.Seq);
        var headers = new NatsHeaders
        {
            [MessageHeaders.Type] = entry.Type,
            [MessageHeaders.Source] = _source,
            [MessageHeaders.SeqNum] = entry.Seq.ToString(CultureInfo.InvariantCulture),
        };
        if (activity is not null && entry.About is { } about)
        {
            activity.SetTag(JobTrace.JobIdTag, about.JobID);
            activity.SetTag(JobTrace.ExecutionIdTag, about.ExecutionID);
            // Only while traced: the NATS spans on both sides take them from here (see ServiceDefaults).
            headers[JobTrace.JobIdHeader] = about.JobID;
            headers[JobTrace.ExecutionIdHeader] = about.ExecutionID;
        }
        if ((activity?.Id ?? entry.TraceParent) is { } traceParent)
        {
            headers["traceparent"] = traceParent;
        }

        await _nats.PublishAsync(subject, entry.Envelope, headers, replyTo: replyTo, cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending message {Seq} to {Peer} failed, will retry: {Error}")]
    private static partial void LogSendFailed(ILogger logger, string peer, ulong seq, string error);
}
