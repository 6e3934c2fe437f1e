using System.Security.Cryptography;
using Bacalhau.Identity.Content;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.ObjectStore;
using NATS.Client.ObjectStore.Models;

namespace Bacalhau.Messaging.Content;

/// <summary>
/// Content-addressed results in a NATS JetStream object store bucket, keyed by CID: compute nodes put what they
/// publish, the orchestrator serves it, and it outlives the node that produced it. In a NATS cluster the orchestrators
/// keep it on <paramref name="replicas"/> servers (<see cref="ReplicasFor"/>); compute nodes, which do not know the
/// cluster, open it as it is.
/// </summary>
public sealed class ContentStore(INatsConnection connection, int replicas = 1) : IDisposable
{
    public const string Bucket = "bacalhau-content";
    /// <summary>The JetStream stream that holds the bucket.</summary>
    public const string StreamName = "OBJ_" + Bucket;
    private const int MostReplicas = 3;

    // JetStream's "stream name already in use with a different configuration".
    private const int StreamConfigDiffers = 10058;
    private const int NotFound = 404;
    private static readonly TimeSpan ReplicationProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _opening = new(1, 1);
    private INatsObjStore? _store;

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="cid"/>, unless it is there already. Every node may put
    /// but none may replace (its credentials allow no purge), so other bytes put first under this CID by another node
    /// fail the put; <see cref="TryGetAsync"/> removes them when it finds them.
    /// </summary>
    public async Task PutAsync(Cid cid, Stream content, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(cancellationToken);
        try
        {
            var info = await store.GetInfoAsync(cid.ToString(), cancellationToken: cancellationToken);
            if (ObjectDigest.Sha256Of(info.Digest) is { } digest && cid.Names(digest))
            {
                return;
            }

            throw new InvalidDataException($"the content store holds other bytes under {cid}, put by another node; they are removed when next read, so publish again then");
        }
        catch (NatsObjNotFoundException)
        {
        }

        await store.PutAsync(cid.ToString(), content, leaveOpen: true, cancellationToken);
    }

    /// <summary>
    /// Copies the content of <paramref name="cid"/> to <paramref name="destination"/>; false when the store has none.
    /// Bytes under that name that are not what the CID names count as none and are removed (the caller discards what
    /// was copied); only the orchestrator, which may remove, calls this.
    /// </summary>
    public async Task<bool> TryGetAsync(Cid cid, Stream destination, CancellationToken cancellationToken)
    {
        switch (await ReadAsync(cid, destination, long.MaxValue, cancellationToken))
        {
            case ContentRead.Found:
                return true;
            case ContentRead.NotMatching:
                var store = await OpenAsync(cancellationToken);
                await store.DeleteAsync(cid.ToString(), cancellationToken);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Copies the content of <paramref name="cid"/> to <paramref name="destination"/>, at most
    /// <paramref name="maxSize"/> bytes, hashing it on the way; anything but <see cref="ContentRead.Found"/> means the
    /// caller discards what was copied. Chunks are fetched one by one with the stream's message get, which a compute
    /// node's credentials allow (no consumer), and only as many as the object's metadata names, so chunks appended
    /// later under its ID are never read.
    /// </summary>
    public async Task<ContentRead> ReadAsync(Cid cid, Stream destination, long maxSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        var store = await OpenAsync(cancellationToken);
        ObjectMetadata info;
        try
        {
            info = await store.GetInfoAsync(cid.ToString(), cancellationToken: cancellationToken);
        }
        catch (NatsObjNotFoundException)
        {
            return ContentRead.Missing;
        }

        if (info.Size > (ulong)maxSize)
        {
            return ContentRead.TooLarge;
        }

        var stream = await new NatsJSContext(connection).GetStreamAsync(StreamName, cancellationToken: cancellationToken);
        var chunks = $"$O.{Bucket}.C.{info.Nuid}";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ulong copied = 0;
        ulong next = 1;
        for (var chunk = 0; chunk < info.Chunks; chunk++)
        {
            StreamMsgGetResponse response;
            try
            {
                response = await stream.GetAsync(new StreamMsgGetRequest { Seq = next, NextBySubj = chunks }, cancellationToken);
            }
            catch (NatsJSApiException ex) when (ex.Error.Code == NotFound)
            {
                return ContentRead.NotMatching;
            }

            var data = response.Message.Data;
            // Chunks are never empty, and together never more than the recorded size: anything else is not this object.
            if (data.Length == 0 || copied + (ulong)data.Length > info.Size)
            {
                return ContentRead.NotMatching;
            }

            hash.AppendData(data.Span);
            await destination.WriteAsync(data, cancellationToken);
            copied += (ulong)data.Length;
            next = response.Message.Seq + 1;
        }

        return copied == info.Size && cid.Names(hash.GetHashAndReset()) ? ContentRead.Found : ContentRead.NotMatching;
    }

    /// <summary>The replicas of the bucket in a cluster of <paramref name="servers"/> NATS servers: each, up to three.</summary>
    public static int ReplicasFor(int servers) => Math.Clamp(servers, 1, MostReplicas);

    /// <summary>
    /// Creates the bucket when it is missing; one with fewer replicas than this store keeps (a compute node created it
    /// first) is raised to them. Fails when JetStream cannot be reached.
    /// </summary>
    public async Task<INatsObjStore> OpenAsync(CancellationToken cancellationToken)
    {
        if (_store is { } opened)
        {
            return opened;
        }

        await _opening.WaitAsync(cancellationToken);
        try
        {
            return _store ??= await CreateOrRaiseAsync(cancellationToken);
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task<INatsObjStore> CreateOrRaiseAsync(CancellationToken cancellationToken)
    {
        var js = new NatsJSContext(connection);
        var objects = new NatsObjContext(js);
        try
        {
            // Creating a bucket that exists with the same settings returns it, so every node may do it.
            return await objects.CreateObjectStoreAsync(
                new NatsObjConfig(Bucket) { Description = "Results published by Bacalhau.NET, keyed by CID", NumberOfReplicas = replicas },
                cancellationToken);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == StreamConfigDiffers)
        {
            // It exists with other replicas: keep it as it is unless this store keeps more.
            var stream = await js.GetStreamAsync(StreamName, cancellationToken: cancellationToken);
            if (stream.Info.Config.NumReplicas < replicas)
            {
                stream = await js.UpdateStreamAsync(stream.Info.Config with { NumReplicas = replicas }, cancellationToken);
                await WaitUntilReplicatedAsync(stream, cancellationToken);
            }

            return await objects.GetObjectStoreAsync(Bucket, cancellationToken);
        }
    }

    /// <summary>
    /// The update answers before the new replicas have a leader and caught up; reads meanwhile go unanswered. Bounded
    /// by the caller's token.
    /// </summary>
    private async Task WaitUntilReplicatedAsync(INatsJSStream stream, CancellationToken cancellationToken)
    {
        while (stream.Info.Cluster is not { Leader.Length: > 0, Replicas: { } followers } || followers.Count < replicas - 1 || followers.Any(f => !f.Current))
        {
            await Task.Delay(ReplicationProbeInterval, cancellationToken);
            await stream.RefreshAsync(cancellationToken);
        }
    }

    public void Dispose() => _opening.Dispose();
}

/// <summary>What <see cref="ContentStore.ReadAsync"/> found under a CID.</summary>
public enum ContentRead
{
    /// <summary>The content, checked against the CID.</summary>
    Found,

    /// <summary>Nothing under that CID.</summary>
    Missing,

    /// <summary>Bytes under that CID that are not what it names (put by a faulty or hostile node).</summary>
    NotMatching,

    /// <summary>More than the reader takes; nothing was copied.</summary>
    TooLarge,
}
