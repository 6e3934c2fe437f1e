using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// The replicated log in JetStream: one stream, file storage, replicated on up to three servers, nothing discarded.
/// An append names the sequence it expects last, so only the orchestrator that knows the whole log can append.
/// </summary>
internal sealed class StateLog(INatsJSContext jetStream)
{
    public const string StreamName = "BACALHAU_STATE";
    public const string Subject = "bacalhau.state.log";

    // JetStream's answer when Nats-Expected-Last-Sequence does not match: another orchestrator appended.
    public const int WrongLastSequence = 10071;

    private const string ExpectedLastSequenceHeader = "Nats-Expected-Last-Sequence";

    /// <summary>
    /// Short pulls with a heartbeat every second: when the server serving the consumer dies, the client misses two
    /// heartbeats and recreates it on a survivor within seconds. The defaults (30 s pulls, 15 s heartbeats) left a
    /// follower, and a new leader catching up, behind the log for half a minute after a server was lost.
    /// </summary>
    private static readonly NatsJSConsumeOpts FollowOpts = new() { MaxMsgs = 1_000, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromSeconds(1) };

    /// <summary>Creates the stream, or checks it exists; <paramref name="orchestrators"/> sets its replicas (at most 3).</summary>
    public async Task EnsureAsync(int orchestrators, CancellationToken cancellationToken)
    {
        var config = new StreamConfig(StreamName, [Subject])
        {
            Storage = StreamConfigStorage.File,
            NumReplicas = Math.Min(3, orchestrators),
            Retention = StreamConfigRetention.Limits,
        };
        await jetStream.CreateOrUpdateStreamAsync(config, cancellationToken);
        await WaitForLeaderAsync(jetStream, StreamName, cancellationToken);
    }

    /// <summary>
    /// Waits until a replicated stream has a leader. Writes racing into a stream that was just created, while its
    /// replicas still elect one, were seen both accepted with the same expected sequence.
    /// </summary>
    public static async Task WaitForLeaderAsync(INatsJSContext jetStream, string stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if ((await jetStream.GetStreamAsync(stream, cancellationToken: cancellationToken)).Info.Cluster is not { Replicas.Count: > 0, Leader: null or "" })
                {
                    return;
                }
            }
            catch (NatsException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer while there is no leader to give it.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    public async Task<ulong> LastSequenceAsync(CancellationToken cancellationToken)
    {
        var stream = await jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken);
        return stream.Info.State.LastSeq;
    }

    /// <summary>
    /// Appends <paramref name="batch"/> if the log ends at <paramref name="expectedLast"/>; answers its sequence once
    /// the stream's replicas have it. Throws <see cref="LogFencedException"/> when someone else appended.
    /// </summary>
    public async Task<ulong> AppendAsync(byte[] batch, ulong expectedLast, CancellationToken cancellationToken) =>
        await PublishChainedAsync(jetStream, Subject, batch, expectedLast, cancellationToken) ?? throw new LogFencedException(expectedLast);

    /// <summary>
    /// Publishes <paramref name="data"/> to a stream if its last sequence is <paramref name="expectedLast"/>, stating
    /// that expectation in the stored message; its sequence, or null when another write came first.
    /// </summary>
    /// <remarks>
    /// The answer is checked too: a write stored anywhere but right after the one it expected got past the server's
    /// check (two writes racing through a stream whose leader just changed), so it counts as lost, and the log's
    /// readers skip it (<see cref="IsChained"/>).
    /// </remarks>
    public static async Task<ulong?> PublishChainedAsync(INatsJSContext jetStream, string subject, byte[] data, ulong expectedLast, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders { [ExpectedLastSequenceHeader] = expectedLast.ToString(CultureInfo.InvariantCulture) };
        var ack = await jetStream.PublishAsync(subject, data, headers: headers, cancellationToken: cancellationToken);
        if (ack.Error is { ErrCode: WrongLastSequence })
        {
            return null;
        }

        ack.EnsureSuccess();
        return ack.Seq == expectedLast + 1 ? ack.Seq : null;
    }

    /// <summary>Whether the entry at <paramref name="sequence"/> was appended right after the one it expected: only those are applied.</summary>
    public static bool IsChained(ulong sequence, NatsHeaders? headers) =>
        headers is not null
        && headers.TryGetValue(ExpectedLastSequenceHeader, out var expected)
        && ulong.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
        && last + 1 == sequence;

    /// <summary>The log from <paramref name="fromSequence"/> on, in order, waiting for new entries until cancelled.</summary>
    public async IAsyncEnumerable<(ulong Sequence, StateBatch Batch)> ReadAsync(ulong fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var consumer = await jetStream.CreateOrderedConsumerAsync(StreamName, new NatsJSOrderedConsumerOpts
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = Math.Max(1, fromSequence),
        }, cancellationToken);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: FollowOpts, cancellationToken: cancellationToken))
        {
            var sequence = message.Metadata!.Value.Sequence.Stream;
            yield return (sequence, IsChained(sequence, message.Headers) ? Decode(message.Data!) : StateBatch.Unchained);
        }
    }

    public static byte[] Encode(StateBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, StateLogJsonContext.Default.StateBatch);

    public static StateBatch Decode(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize(data, StateLogJsonContext.Default.StateBatch) ?? throw new JsonException("empty state log entry");
}

/// <summary>Another orchestrator appended to the log: this one no longer leads.</summary>
internal sealed class LogFencedException(ulong expectedLast)
    : Exception($"the state log moved past sequence {expectedLast}: another orchestrator appended");
