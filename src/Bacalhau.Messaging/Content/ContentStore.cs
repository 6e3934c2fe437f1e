using Bacalhau.Identity.Content;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.ObjectStore;

namespace Bacalhau.Messaging.Content;

/// <summary>
/// Content-addressed results in a NATS JetStream object store bucket, keyed by CID: compute nodes put what they
/// publish, the orchestrator serves it, and it outlives the node that produced it.
/// </summary>
public sealed class ContentStore(INatsConnection connection) : IDisposable
{
    public const string Bucket = "bacalhau-content";

    private readonly SemaphoreSlim _opening = new(1, 1);
    private INatsObjStore? _store;

    /// <summary>Stores <paramref name="content"/> under <paramref name="cid"/>; content already there is kept as it is.</summary>
    public async Task PutAsync(Cid cid, Stream content, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(cancellationToken);
        if (await ExistsAsync(store, cid, cancellationToken))
        {
            return;
        }

        await store.PutAsync(cid.ToString(), content, leaveOpen: true, cancellationToken);
    }

    /// <summary>Copies the content of <paramref name="cid"/> to <paramref name="destination"/>; false when the store has none.</summary>
    public async Task<bool> TryGetAsync(Cid cid, Stream destination, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(cancellationToken);
        if (!await ExistsAsync(store, cid, cancellationToken))
        {
            return false;
        }

        await store.GetAsync(cid.ToString(), destination, leaveOpen: true, cancellationToken);
        return true;
    }

    /// <summary>Creates the bucket when it is missing; fails when JetStream cannot be reached.</summary>
    public async Task<INatsObjStore> OpenAsync(CancellationToken cancellationToken)
    {
        if (_store is { } opened)
        {
            return opened;
        }

        await _opening.WaitAsync(cancellationToken);
        try
        {
            // Creating a bucket that exists with the same settings returns it, so every node may do it.
            return _store ??= await new NatsObjContext(new NatsJSContext(connection))
                .CreateObjectStoreAsync(new NatsObjConfig(Bucket) { Description = "Results published by Bacalhau.NET, keyed by CID" }, cancellationToken);
        }
        finally
        {
            _opening.Release();
        }
    }

    public void Dispose() => _opening.Dispose();

    private static async Task<bool> ExistsAsync(INatsObjStore store, Cid cid, CancellationToken cancellationToken)
    {
        try
        {
            await store.GetInfoAsync(cid.ToString(), cancellationToken: cancellationToken);
            return true;
        }
        catch (NatsObjNotFoundException)
        {
            return false;
        }
    }
}
