using System.Text.Json;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity.Content;
using Bacalhau.Messaging.Content;

namespace Bacalhau.Compute.Publishers.Ipfs;

/// <summary>
/// Bacalhau's <c>ipfs</c> publisher without an IPFS node: the result archive is addressed by its CIDv1 (raw, sha2-256)
/// and put in the cluster's <see cref="ContentStore"/>, from which the orchestrator serves it at <c>/ipfs/&lt;cid&gt;</c>
/// after this node is gone. Like Bacalhau's, it reports the result as <c>{Type: ipfs, Params: {CID}}</c>.
/// </summary>
public sealed partial class IpfsPublisher(LocalResultStore archives, ContentStore content, ILogger<IpfsPublisher> logger) : IPublisher, IHostedService, IDisposable
{
    // Generous: the first JetStream call of a node waits for its NATS connection.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public string Type => PublisherTypes.Ipfs;

    /// <summary>True once the object store bucket has been reached; until then the node does not offer this publisher.</summary>
    public bool IsAvailable { get; private set; }

    public async Task<SpecConfig?> PublishAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        var archive = await archives.SaveAsync(request, result, cancellationToken);
        var cid = Cid.FromSha256(archive.Sha256);
        await using (var file = File.OpenRead(archive.Path))
        {
            await content.PutAsync(cid, file, cancellationToken);
        }

        var text = cid.ToString();
        LogPublished(logger, request.Execution.ID, text);
        return new SpecConfig
        {
            Type = PublisherTypes.Ipfs,
            Params =
            {
                ["CID"] = JsonSerializer.SerializeToElement(text, BacalhauJsonContext.Default.String),
                ["URL"] = JsonSerializer.SerializeToElement($"ipfs://{text}", BacalhauJsonContext.Default.String),
            },
        };
    }

    /// <summary>Probes the bucket before the node joins, so its first node info is right; keeps trying in the background when it fails.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await ProbeAsync(cancellationToken))
        {
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stopping)
    {
        try
        {
            do
            {
                await Task.Delay(RetryInterval, stopping);
            }
            while (!await ProbeAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await content.OpenAsync(timeout.Token);
            IsAvailable = true;
            LogAvailable(logger, ContentStore.Bucket);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, ContentStore.Bucket, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionId} published to the content store as {Cid}")]
    private static partial void LogPublished(ILogger logger, string executionId, string cid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher ipfs available: content store bucket {Bucket} reached")]
    private static partial void LogAvailable(ILogger logger, string bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publisher ipfs unavailable: content store bucket {Bucket} not reachable ({Reason}); retrying")]
    private static partial void LogUnavailable(ILogger logger, string bucket, string reason);
}
