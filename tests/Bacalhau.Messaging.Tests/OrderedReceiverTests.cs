using System.Collections.Concurrent;
using System.Globalization;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Bacalhau.Messaging.Tests;

public sealed class OrderedReceiverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_payload_that_does_not_deserialize_is_a_dead_letter_and_the_stream_goes_on_behind_it()
    {
        await using var test = await ReceiverTest.StartAsync();
        await test.PublishUntilAckedAsync(1, TestMessages.Envelope("""{"Execution":{"ID":"e-1","JobID":"j-1"}}"""));

        await test.PublishAsync(2, TestMessages.Envelope("""{"Execution":12}"""));
        await test.PublishAsync(3, TestMessages.Envelope("""{"Execution":{"ID":"e-3","JobID":"j-3"}}"""));

        await test.WaitForAckAsync(3);
        Assert.Equal([1UL, 3UL], test.Handled);
        var letter = Assert.Single(test.DeadLetters);
        Assert.Equal((2UL, MessageTypes.AskForBid), (letter.Seq, letter.Type));
        Assert.Contains("AskForBidRequest", letter.Reason, StringComparison.Ordinal);
        Assert.False(test.Run.IsCompleted, "the receiver stopped");
    }

    [Fact]
    public async Task A_stranger_s_undecodable_message_does_not_make_the_genuine_one_with_its_number_a_duplicate()
    {
        await using var test = await ReceiverTest.StartAsync();
        await test.PublishUntilAckedAsync(1, TestMessages.Envelope("""{"Execution":{"ID":"e-1","JobID":"j-1"}}"""));
        await test.PublishAsync(2, TestMessages.Envelope("""{"Execution":12}"""));
        await test.WaitForAckAsync(2);

        await test.PublishAsync(2, TestMessages.Envelope("""{"Execution":{"ID":"e-2","JobID":"j-2"}}"""));
        await test.PublishAsync(3, TestMessages.Envelope("""{"Execution":{"ID":"e-3","JobID":"j-3"}}"""));

        await test.WaitForAckAsync(3);
        Assert.Equal([1UL, 2UL, 3UL], test.Handled);
        Assert.Equal("e-2", test.Executions[2]);
        Assert.Equal(2UL, Assert.Single(test.DeadLetters).Seq);
    }

    [Fact]
    public async Task An_envelope_that_fails_its_checksum_does_not_take_the_number_of_the_genuine_message()
    {
        await using var test = await ReceiverTest.StartAsync();
        await test.PublishUntilAckedAsync(1, TestMessages.Envelope("""{"Execution":{"ID":"e-1","JobID":"j-1"}}"""));
        var genuine = TestMessages.Envelope("""{"Execution":{"ID":"e-2","JobID":"j-2"}}""");
        var corrupted = genuine.ToArray();
        corrupted[^3] ^= 0x20;
        var newerVersion = genuine.ToArray();
        newerVersion[0] = 9;

        await test.PublishAsync(2, corrupted);
        await test.PublishAsync(2, newerVersion);
        await test.PublishAsync(2, genuine);

        await test.WaitForAckAsync(2);
        Assert.Equal([1UL, 2UL], test.Handled);
        Assert.Equal("e-2", test.Executions[2]);
        Assert.Empty(test.DeadLetters);
    }

    [Fact]
    public async Task A_message_whose_handling_fails_for_a_passing_reason_after_later_ones_succeeded_is_resent_and_handled_once()
    {
        // Message 1's commit fails only once 2 and 3 are handled, as a full disk can make it.
        await using var test = await ReceiverTest.StartAsync(failFirstAttemptOf: 1, failAfter: 3);
        var directory = Directory.CreateTempSubdirectory("bacalhau-receiver-").FullName;
        try
        {
            await using (var database = new OutboxDatabase(Path.Combine(directory, "state.db")))
            {
                await using var sender = new OrderedSender(
                    test.Nats,
                    peer => $"{ReceiverTest.Subject}.{peer}",
                    new AckRoute((peer, instance) => $"test.acks.{instance}.{peer}", instance => $"test.acks.{instance}.*", subject => subject[(subject.LastIndexOf('.') + 1)..]),
                    "orchestrator",
                    database.Writer,
                    NullLogger.Instance,
                    TimeProvider.System);
                var entries = new List<OutboxEntry>();
                await database.Writer.WriteAsync((connection, transaction) =>
                {
                    for (var i = 1; i <= 3; i++)
                    {
                        entries.Add(database.Outbox.Insert(connection, transaction, TestMessages.AskForBid("n-1", $"e-{i}")));
                    }
                }).WaitAsync(Timeout);
                sender.Start(entries);

                // Every message acknowledged: the sender has forgotten them all.
                await Eventually(() => test.Handled.Contains(1UL) && database.PendingCount() == 0);
            }

            Assert.Equal(2, test.Attempts[1]);
            Assert.Equal(1, test.Handled.Count(seq => seq == 1));
            // What follows the failed message is taken again after it, in order.
            Assert.Equal([1UL, 2UL, 3UL], test.Handled.SkipWhile(seq => seq != 1));
            Assert.Equal(["e-1", "e-2", "e-3"], new ulong[] { 1, 2, 3 }.Select(seq => test.Executions[seq]));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }

    /// <summary>A receiver on a real nats-server, a handler that reads AskForBid requests, and the acknowledgements it sends.</summary>
    private sealed class ReceiverTest : IAsyncDisposable
    {
        public const string Subject = "test.in";
        private const string AckSubject = "test.acks.n-1";
        private readonly NatsServerProcess _server;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<ulong> _handled = new();
        private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();
        private readonly SemaphoreSlim _acked = new(0);
        private readonly ulong _failFirstAttemptOf;
        private readonly ulong _failAfter;
        private readonly TaskCompletionSource _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ulong _lastAck;
        private Task _acks = Task.CompletedTask;

        private ReceiverTest(NatsServerProcess server, ulong failFirstAttemptOf, ulong failAfter)
        {
            _server = server;
            _failFirstAttemptOf = failFirstAttemptOf;
            _failAfter = failAfter;
            Nats = server.Connect();
        }

        public NatsConnection Nats { get; }

        public Task Run { get; private set; } = Task.CompletedTask;

        public List<ulong> Handled => [.. _handled];

        public List<DeadLetter> DeadLetters => [.. _deadLetters];

        public ConcurrentDictionary<ulong, string> Executions { get; } = new();

        public ConcurrentDictionary<ulong, int> Attempts { get; } = new();

        /// <param name="failFirstAttemptOf">A message whose first handling fails as a full disk fails a commit.</param>
        /// <param name="failAfter">That failure comes once this message is handled.</param>
        public static async Task<ReceiverTest> StartAsync(ulong failFirstAttemptOf = 0, ulong failAfter = 0)
        {
            var test = new ReceiverTest(await NatsServerProcess.StartAsync(), failFirstAttemptOf, failAfter);
            await test.Nats.ConnectAsync();
            var receiver = new OrderedReceiver(test.Nats, $"{Subject}.*", subject => subject[(Subject.Length + 1)..], new Dictionary<string, ulong>(), test.HandleAsync, test.DeadLetterAsync, NullLogger.Instance, TimeProvider.System);
            test.Run = receiver.RunAsync(test._stop.Token);
            var subscription = await test.Nats.SubscribeCoreAsync<byte[]>("test.acks.>", cancellationToken: test._stop.Token);
            test._acks = test.ReadAcksAsync(subscription);
            return test;
        }

        /// <summary>Publishes until acknowledged, which also waits for the receiver to subscribe.</summary>
        public async Task PublishUntilAckedAsync(ulong seq, byte[] data)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (Volatile.Read(ref _lastAck) < seq)
            {
                Assert.True(DateTime.UtcNow < deadline, $"message {seq} was not acknowledged");
                await PublishAsync(seq, data);
                await _acked.WaitAsync(TimeSpan.FromMilliseconds(500));
            }
        }

        public ValueTask PublishAsync(ulong seq, byte[] data) => Nats.PublishAsync(
            $"{Subject}.n-1",
            data,
            new NatsHeaders { [MessageHeaders.SeqNum] = seq.ToString(CultureInfo.InvariantCulture) },
            replyTo: AckSubject);

        public async Task WaitForAckAsync(ulong seq)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (Volatile.Read(ref _lastAck) < seq)
            {
                Assert.True(DateTime.UtcNow < deadline, $"message {seq} was not acknowledged (last {_lastAck})");
                await _acked.WaitAsync(TimeSpan.FromMilliseconds(500));
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _stop.CancelAsync();
                await Run;
                await _acks;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            finally
            {
                // Whatever the receiver did, the server goes.
                await Nats.DisposeAsync();
                await _server.DisposeAsync();
                _stop.Dispose();
            }
        }

        private Task HandleAsync(InboundMessage message)
        {
            var attempt = Attempts.AddOrUpdate(message.Seq, 1, (_, n) => n + 1);
            var request = message.Envelope.PayloadAs(BacalhauJsonContext.Default.AskForBidRequest);
            if (message.Seq == _failFirstAttemptOf && attempt == 1)
            {
                return _failure.Task;
            }

            Executions[message.Seq] = request.Execution.ID;
            _handled.Enqueue(message.Seq);
            if (message.Seq == _failAfter)
            {
                _failure.TrySetException(new SqliteException("database or disk is full", 13));
            }

            return Task.CompletedTask;
        }

        private Task DeadLetterAsync(DeadLetter letter, InboundMessage message)
        {
            _deadLetters.Enqueue(letter);
            return Task.CompletedTask;
        }

        private async Task ReadAcksAsync(INatsSub<byte[]> subscription)
        {
            await using (subscription)
            {
                await foreach (var msg in subscription.Msgs.ReadAllAsync(_stop.Token))
                {
                    var ack = System.Text.Json.JsonSerializer.Deserialize(msg.Data!, BacalhauJsonContext.Default.Ack);
                    if (string.IsNullOrEmpty(ack?.Error) && msg.Headers?.TryGetValue(MessageHeaders.SeqNum, out var seq) == true)
                    {
                        var value = ulong.Parse(seq!, CultureInfo.InvariantCulture);
                        if (value > Volatile.Read(ref _lastAck))
                        {
                            Volatile.Write(ref _lastAck, value);
                        }

                        _acked.Release();
                    }
                }
            }
        }
    }
}
