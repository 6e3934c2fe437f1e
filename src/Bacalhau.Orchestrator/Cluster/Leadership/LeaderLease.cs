using System.Text.Json;
using Bacalhau.Orchestrator.Cluster.Log;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Bacalhau.Orchestrator.Cluster.Leadership;

/// <summary>
/// The leader's lease: key <c>leader</c> of a JetStream KV bucket, holding who leads, at what API and in which term.
/// Every write is checked against the revision its writer last saw, so of two orchestrators racing for it one wins.
/// Time is only ever measured on this orchestrator's own monotonic clock, never compared with another's.
/// </summary>
/// <remarks>
/// The check is the stream's <c>Nats-Expected-Last-Sequence</c> (the bucket holds this one key, so its last sequence is
/// the key's revision), not the KV's per-key check: a clustered nats-server 2.9 checks a key against what it has
/// applied, so two writes racing through Raft can both pass, while the stream's check counts the writes in flight.
/// </remarks>
internal sealed class LeaderLease
{
    public const string Bucket = "bacalhau-leader";
    public const string Key = "leader";
    public const string StreamName = "KV_" + Bucket;
    private const string KeySubject = "$KV." + Bucket + "." + Key;

    // The leader stops acting this long before its lease could have run out, so that a takeover never overlaps it.
    private const double SafetyMargin = 0.2;

    private readonly INatsJSStream _stream;
    private readonly INatsJSContext _jetStream;
    private readonly TimeProvider _time;
    private ulong? _observedRevision;
    private long _observedSince;
    private ulong _heldRevision;
    private long _renewStarted;

    private LeaderLease(INatsJSStream stream, INatsJSContext jetStream, TimeSpan duration, TimeProvider time)
    {
        _stream = stream;
        _jetStream = jetStream;
        _time = time;
        Duration = duration;
    }

    /// <summary>How long a lease lasts unrenewed; the leader renews it every third of that.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The leader as last read, with the revision it was read at.</summary>
    public LeaderInfo? Leader { get; private set; }

    /// <summary>True while this orchestrator holds the lease by its own clock: its last renew started less than the duration (less a margin) ago.</summary>
    public bool IsHeld => HeldFor > TimeSpan.Zero;

    /// <summary>How much longer this orchestrator may act as leader without another successful renewal.</summary>
    public TimeSpan HeldFor => _heldRevision == 0 ? TimeSpan.Zero : (Duration * (1 - SafetyMargin)) - _time.GetElapsedTime(_renewStarted);

    public static async Task<LeaderLease> OpenAsync(INatsJSContext jetStream, int orchestrators, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        await new NatsKVContext(jetStream).CreateStoreAsync(new NatsKVConfig(Bucket)
        {
            History = 1,
            NumberOfReplicas = Math.Min(3, orchestrators),
            Storage = NatsKVStorageType.File,
        }, cancellationToken);
        await StateLog.WaitForLeaderAsync(jetStream, StreamName, cancellationToken);
        return new LeaderLease(await jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken), jetStream, duration, time);
    }

    /// <summary>
    /// Reads the lease. Answers true when it is free for this orchestrator to take: absent, or unchanged (same
    /// revision) for a full <see cref="Duration"/> of this orchestrator's watching.
    /// </summary>
    public async Task<bool> ObserveAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await ReadAsync(cancellationToken) is not { } entry)
            {
                // Absent: taken by a write that expects the bucket's last revision as it stood before the key was
                // found absent, so that a creation racing this one is never overwritten.
                var last = await LastRevisionAsync(cancellationToken);
                if (await ReadAsync(cancellationToken) is not { } again)
                {
                    Leader = null;
                    _observedRevision = last;
                    return true;
                }

                entry = again;
            }

            var now = _time.GetTimestamp();
            Leader = JsonSerializer.Deserialize(entry.Value, StateLogJsonContext.Default.LeaderInfo);
            if (_observedRevision != entry.Revision)
            {
                _observedRevision = entry.Revision;
                _observedSince = now;
                return false;
            }

            return _time.GetElapsedTime(_observedSince, now) >= Duration;
        }
        catch (NatsException)
        {
            // What the leader wrote while this orchestrator could not read is unknown: its watch starts again.
            _observedRevision = null;
            throw;
        }
    }

    /// <summary>
    /// Takes the lease as <paramref name="self"/> (whose term is one past the last leader's), checked against the
    /// revision last observed; false when another orchestrator wrote it first, or nothing was observed.
    /// </summary>
    public async Task<bool> TryTakeAsync(LeaderInfo self, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var value = JsonSerializer.SerializeToUtf8Bytes(self, StateLogJsonContext.Default.LeaderInfo);
        if (_observedRevision is not { } expected || await WriteAsync(value, expected, cancellationToken) is not { } revision)
        {
            return false;
        }

        Leader = self;
        _heldRevision = revision;
        _renewStarted = started;
        return true;
    }

    /// <summary>Renews the lease this orchestrator holds; false when it no longer does (someone else wrote it, or the server would not answer).</summary>
    /// <remarks>
    /// A renewal whose answer was lost may still have been written: when the key then holds this very lease (same
    /// orchestrator, same term), nobody took it since, so its revision is adopted, the lease's time is not.
    /// </remarks>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var value = JsonSerializer.SerializeToUtf8Bytes(Leader!, StateLogJsonContext.Default.LeaderInfo);
        var revision = await WriteAsync(value, _heldRevision, cancellationToken);
        if (revision is null && await StillHeldRevisionAsync(cancellationToken) is { } adopted)
        {
            revision = await WriteAsync(value, adopted, cancellationToken);
        }

        if (revision is null)
        {
            _heldRevision = 0;
            return false;
        }

        _heldRevision = revision.Value;
        _renewStarted = started;
        return true;
    }

    /// <summary>The key's revision when it still holds this orchestrator's lease of this term; null when another took it.</summary>
    private async Task<ulong?> StillHeldRevisionAsync(CancellationToken cancellationToken)
    {
        return await ReadAsync(cancellationToken) is { } entry
            && JsonSerializer.Deserialize(entry.Value, StateLogJsonContext.Default.LeaderInfo) is { } holder
            && holder.NodeId == Leader!.NodeId && holder.Term == Leader.Term
            ? entry.Revision
            : null;
    }

    /// <summary>Writes the key if the bucket's last revision is <paramref name="expected"/>; its new revision, or null when another write came first.</summary>
    private Task<ulong?> WriteAsync(byte[] value, ulong expected, CancellationToken cancellationToken) =>
        StateLog.PublishChainedAsync(_jetStream, KeySubject, value, expected, cancellationToken);

    /// <summary>The lease's entry, or null when the key is absent.</summary>
    /// <remarks>
    /// Read from the bucket stream's leader, not with the KV's direct get: any replica answers that, and one that has
    /// not applied the latest write yet shows an older lease, or none at all right after the first write.
    /// </remarks>
    private async Task<LeaseEntry?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var message = (await _stream.GetAsync(new StreamMsgGetRequest { LastBySubj = KeySubject }, cancellationToken)).Message;
            return message.Data is { Length: > 0 } data ? new LeaseEntry(message.Seq, data.ToArray()) : null;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>The bucket's last revision: 0 for a new bucket.</summary>
    private async Task<ulong> LastRevisionAsync(CancellationToken cancellationToken) =>
        (await _jetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken)).Info.State.LastSeq;
}

/// <summary>The lease key's last value, at the bucket revision that wrote it.</summary>
internal readonly record struct LeaseEntry(ulong Revision, byte[] Value);
