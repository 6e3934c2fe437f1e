using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;

namespace Bacalhau.Messaging.Tests;

/// <summary>
/// An ordered channel of one node on a real nats-server, its outbox in real SQLite, its timers on a fake clock; its one
/// peer is scripted by the test, which sees every message the channel sends and decides what is acknowledged.
/// </summary>
internal sealed class ChannelBed : IAsyncDisposable
{
    public const string Peer = "n-1";
    private const string PeerAcks = "test.peer-acks." + Peer;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly NatsServerProcess _server;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<Delivery> _deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    private readonly Channel<PeerAck> _acks = System.Threading.Channels.Channel.CreateUnbounded<PeerAck>();
    private readonly ConcurrentQueue<(ulong Seq, string ExecutionId)> _handled = new();
    private readonly List<Task> _loops = [];
    private ulong _warmedUpTo;

    private ChannelBed(NatsServerProcess server, string directory)
    {
        _server = server;
        _directory = directory;
        Nats = server.Connect();
        PeerNats = server.Connect();
        Database = new OutboxDatabase(Path.Combine(directory, "state.db"));
        Channel = new TestChannel(Nats, Database, Time);
    }

    public FakeTimeProvider Time { get; } = new();

    public NatsConnection Nats { get; }

    /// <summary>The peer's own connection.</summary>
    public NatsConnection PeerNats { get; }

    public OutboxDatabase Database { get; }

    public TestChannel Channel { get; }

    /// <summary>What the channel handed to its handler, in order.</summary>
    public List<(ulong Seq, string ExecutionId)> Handled => [.. _handled];

    public static async Task<ChannelBed> StartAsync()
    {
        var bed = new ChannelBed(await NatsServerProcess.StartAsync(), Directory.CreateTempSubdirectory("bacalhau-channel-").FullName);
        var deliveries = await bed.PeerNats.SubscribeCoreAsync<byte[]>($"test.in.{Peer}", cancellationToken: bed._stop.Token);
        var acks = await bed.PeerNats.SubscribeCoreAsync<byte[]>(PeerAcks, cancellationToken: bed._stop.Token);
        // Round trip: the server has both subscriptions before the channel sends anything.
        await bed.PeerNats.PingAsync();
        bed._loops.Add(bed.ReadDeliveriesAsync(deliveries));
        bed._loops.Add(bed.ReadAcksAsync(acks));
        return bed;
    }

    /// <summary>Writes one message per execution in one transaction, as a decision does, and hands them to the channel once committed.</summary>
    public async Task SendAsync(params string[] executionIds)
    {
        var entries = new List<OutboxEntry>();
        await Database.Writer.WriteAsync((connection, transaction) =>
        {
            foreach (var id in executionIds)
            {
                entries.Add(Database.Outbox.Insert(connection, transaction, TestMessages.AskForBid(Peer, id)));
            }
        }).WaitAsync(Timeout);
        Channel.Enqueue(entries);
    }

    /// <summary>The next message the peer got from the channel.</summary>
    public async Task<Delivery> NextDeliveryAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await _deliveries.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The peer acknowledges <paramref name="seq"/>, or with <paramref name="error"/> reports it could not take it.</summary>
    public async Task AckAsync(Delivery delivery, ulong seq, string? error = null)
    {
        await WaitUntilAcksAreHeardAsync(delivery.ReplyTo);
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Ack { Error = error ?? "" }, BacalhauJsonContext.Default.Ack);
        await PeerNats.PublishAsync(delivery.ReplyTo, body, new NatsHeaders { [MessageHeaders.SeqNum] = seq.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Runs the channel's receiving side, with a handler that reads AskForBid requests and a dead-letter sink in the outbox's database.</summary>
    public void Receive() => _loops.Add(Channel.RunAsync(HandleAsync, DeadLetterAsync, _stop.Token));

    /// <summary>The peer sends <paramref name="envelope"/> as message <paramref name="seq"/>.</summary>
    public ValueTask PublishAsync(ulong seq, byte[] envelope) => PeerNats.PublishAsync(
        $"test.out.{Peer}",
        envelope,
        new NatsHeaders { [MessageHeaders.SeqNum] = seq.ToString(CultureInfo.InvariantCulture) },
        replyTo: PeerAcks);

    /// <summary>Publishes until an acknowledgement comes, which also waits for the channel to subscribe; returns that acknowledgement.</summary>
    public async Task<PeerAck> PublishUntilAckedAsync(ulong seq, byte[] envelope)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            await PublishAsync(seq, envelope);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                var ack = await _acks.Reader.ReadAsync(wait.Token);
                _warmedUpTo = seq;
                return ack;
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < deadline)
            {
                // Not subscribed yet: the channel never saw it.
            }
        }
    }

    /// <summary>The next acknowledgement the channel sent the peer, past those of a message published until acknowledged.</summary>
    public async Task<PeerAck> NextAckAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var ack = await _acks.Reader.ReadAsync(timeout.Token);
            // A loaded machine may have answered that message twice.
            if (ack.Error is not null || ack.Seq > _warmedUpTo)
            {
                return ack;
            }
        }
    }

    /// <summary>The dead letters recorded in the database, by sequence number.</summary>
    public List<(ulong Seq, string Reason)> DeadLetters()
    {
        using var connection = SqliteDatabase.OpenReader(Database.Path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, reason FROM dead_letters WHERE peer = $peer ORDER BY seq";
        command.Parameters.AddWithValue("$peer", Peer);
        using var reader = command.ExecuteReader();
        var letters = new List<(ulong, string)>();
        while (reader.Read())
        {
            letters.Add(((ulong)reader.GetInt64(0), reader.GetString(1)));
        }

        return letters;
    }

    /// <summary>Waits for <paramref name="condition"/> on the database, which nothing signals.</summary>
    public static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            // Whatever the channel did, the server and the files go.
            await Channel.DisposeAsync();
            await Database.DisposeAsync();
            await Nats.DisposeAsync();
            await PeerNats.DisposeAsync();
            await _server.DisposeAsync();
            _stop.Dispose();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>
    /// The channel's acknowledgement subscription starts on its own; an acknowledgement sent before it is there would be
    /// lost and leave the test to the resend timer, which runs on fake time. A request to a subject nobody subscribes to
    /// is answered "no responders" at once; the channel's subscription takes it and stays silent.
    /// </summary>
    private async Task WaitUntilAcksAreHeardAsync(string replyTo)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                await PeerNats.RequestAsync<byte[], byte[]>(replyTo, [], replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromMilliseconds(200) });
            }
            catch (NatsNoRespondersException) when (DateTime.UtcNow < deadline)
            {
                continue;
            }
            catch (NatsNoReplyException)
            {
                return;
            }
        }
    }

    private Task HandleAsync(InboundMessage message)
    {
        var request = message.Envelope.PayloadAs(BacalhauJsonContext.Default.AskForBidRequest);
        _handled.Enqueue((message.Seq, request.Execution.ID));
        return Database.Writer.WriteAsync((connection, transaction) => MessageOutbox.MarkReceived(connection, transaction, message.Peer, message.Seq));
    }

    private Task DeadLetterAsync(DeadLetter letter, InboundMessage message) =>
        Database.Writer.WriteAsync((connection, transaction) => MessageOutbox.RecordDeadLetter(connection, transaction, letter));

    private async Task ReadDeliveriesAsync(INatsSub<byte[]> subscription)
    {
        await using (subscription)
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(_stop.Token))
            {
                var seq = ulong.Parse(msg.Headers![MessageHeaders.SeqNum]!, CultureInfo.InvariantCulture);
                await _deliveries.Writer.WriteAsync(new Delivery(seq, TestMessages.ExecutionOf(msg.Data!), msg.ReplyTo!), _stop.Token);
            }
        }
    }

    private async Task ReadAcksAsync(INatsSub<byte[]> subscription)
    {
        await using (subscription)
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(_stop.Token))
            {
                if (msg.HasNoResponders)
                {
                    // Published before the channel subscribed: the server says nobody took it.
                    continue;
                }

                var ack = System.Text.Json.JsonSerializer.Deserialize(msg.Data!, BacalhauJsonContext.Default.Ack);
                var seq = ulong.Parse(msg.Headers![MessageHeaders.SeqNum]!, CultureInfo.InvariantCulture);
                await _acks.Writer.WriteAsync(new PeerAck(seq, string.IsNullOrEmpty(ack?.Error) ? null : ack.Error), _stop.Token);
            }
        }
    }

    /// <summary>A message the channel sent the peer, and where the peer acknowledges it.</summary>
    public sealed record Delivery(ulong Seq, string ExecutionId, string ReplyTo);

    /// <summary>An acknowledgement the channel sent the peer; <see cref="Error"/> when it could not take the message.</summary>
    public sealed record PeerAck(ulong Seq, string? Error);

    /// <summary>A node's channel with its peers on the test's subjects: it sends to <c>test.in.&lt;peer&gt;</c> and takes from <c>test.out.&lt;peer&gt;</c>.</summary>
    public sealed class TestChannel(INatsConnection nats, IOutboxStore store, TimeProvider time)
        : OrderedChannel(nats, store, Routes, NullLogger.Instance, time)
    {
        private static readonly ChannelRoutes Routes = new(
            peer => $"test.in.{peer}",
            new AckRoute((peer, instance) => $"test.acks.{instance}.{peer}", instance => $"test.acks.{instance}.*", LastToken),
            "test.out.*",
            LastToken);

        private static string LastToken(string subject) => subject[(subject.LastIndexOf('.') + 1)..];
    }
}
