using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>
/// Ordered acknowledged delivery both ways with the peers of one node: its outbox sent by an <see cref="OrderedSender"/>
/// and its peers' messages taken by an <see cref="OrderedReceiver"/>, and the handshake that resumes both after a
/// reconnect. Each side derives its own channel, which names the routes; the channel owns its sender and is the one
/// that stops it.
/// </summary>
public abstract class OrderedChannel : IAsyncDisposable
{
    private readonly INatsConnection _nats;
    private readonly IOutboxStore _store;
    private readonly ChannelRoutes _routes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OrderedSender _sender;
    private OrderedReceiver? _receiver;
    private int _started;

    protected OrderedChannel(INatsConnection nats, IOutboxStore store, ChannelRoutes routes, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(routes);
        _nats = nats;
        _store = store;
        _routes = routes;
        _logger = logger;
        _time = time;
        _sender = new OrderedSender(nats, routes.SendSubjectOf, routes.Acks, store.Outbox.Source, store.Writer, logger, time);
    }

    /// <summary>Hands entries to their peers' streams once the transaction that wrote them has committed.</summary>
    public void Enqueue(IEnumerable<OutboxEntry> entries) => _sender.Enqueue(entries);

    /// <summary>The outbox's depth: messages committed for the peers and not yet acknowledged by them.</summary>
    public int Unacknowledged => _sender.Unacknowledged;

    /// <summary>What this node has processed from <paramref name="peer"/>; told to the peer in a handshake.</summary>
    public ulong LastReceivedFrom(string peer) => _receiver?.LastReceived(peer) ?? _store.Outbox.LastReceived.GetValueOrDefault(peer);

    /// <summary>
    /// The peer told us (in a handshake) what it has processed: resume our stream to it from there. Answers the last
    /// sequence number given to a message for the peer, read behind every commit queued before it, so it covers every
    /// message a decision made before this handshake wrote.
    /// </summary>
    public async Task<ulong> ResumeToAsync(string peer, ulong processedByPeer)
    {
        ulong lastAssigned = 0;
        await _store.Writer.WriteAsync((connection, transaction) =>
        {
            if (processedByPeer > 0)
            {
                // The peer has seen more than we remember (our database was reset): number on from there.
                MessageOutbox.EnsureAssignedAtLeast(connection, transaction, peer, processedByPeer);
            }

            lastAssigned = MessageOutbox.LastAssigned(connection, transaction, peer);
        });
        _sender.Resync(peer, processedByPeer);
        return lastAssigned;
    }

    /// <summary>Starts sending what the outbox held at start; before anything new is enqueued, so nothing is overtaken.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _sender.Start(_store.Outbox.Pending);
        }
    }

    /// <summary>
    /// Takes the peers' messages, in order and once each, until cancelled; then stops sending too, as the node is
    /// stopping. <paramref name="deadLetter"/> records a message that can never be handled.
    /// </summary>
    public async Task RunAsync(Func<InboundMessage, Task> handler, Func<DeadLetter, InboundMessage, Task> deadLetter, CancellationToken cancellationToken)
    {
        Start();
        _receiver = new OrderedReceiver(_nats, _routes.ReceiveSubject, _routes.PeerOf, _store.Outbox.LastReceived, handler, deadLetter, _logger, _time);
        try
        {
            await _receiver.RunAsync(cancellationToken);
        }
        finally
        {
            await _sender.DisposeAsync();
        }
    }

    /// <summary>Stops sending; the sender stops once, whether the run ended first or not.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
