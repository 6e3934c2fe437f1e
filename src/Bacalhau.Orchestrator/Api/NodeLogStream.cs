using System.Runtime.CompilerServices;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// An execution's log batches from its compute node. Each batch is answered once the caller asks for the next, that is
/// once it has passed this one on: only then does the node read further, so no reader, slow or gone, piles lines up.
/// </summary>
internal static class NodeLogStream
{
    // A streaming node sends at least an empty batch every 10 s; this much silence means it is gone.
    private static readonly TimeSpan SilenceTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The batches until the one with End set; a node that falls silent ends the stream with an error batch.</summary>
    public static async IAsyncEnumerable<ExecutionLogBatch> ReadAsync(INatsConnection nats, Execution execution, LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Inside the node's own out space: the only place its credentials let it answer.
        var inbox = Subjects.ExecutionLogReplies(execution.NodeID, Guid.NewGuid().ToString("N"));
        await using var replies = await nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
        var request = new ExecutionLogsRequest { ExecutionID = execution.ID, Follow = query.Follow, Tail = query.Tail };
        await nats.PublishAsync(Subjects.ExecutionLogs(execution.NodeID), JsonSerializer.SerializeToUtf8Bytes(request, BacalhauJsonContext.Default.ExecutionLogsRequest), replyTo: inbox, cancellationToken: cancellationToken);
        while (true)
        {
            var (message, batch) = await ReceiveAsync(replies, execution.NodeID, cancellationToken);
            if (batch.End)
            {
                await AnswerAsync(nats, message, cancellationToken);
                yield return batch;
                yield break;
            }

            yield return batch;
            await AnswerAsync(nats, message, cancellationToken);
        }
    }

    /// <summary>The next message and its batch; with no message, a last batch saying why.</summary>
    private static async Task<(NatsMsg<byte[]>? Message, ExecutionLogBatch Batch)> ReceiveAsync(INatsSub<byte[]> replies, string nodeId, CancellationToken cancellationToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(SilenceTimeout);
        try
        {
            if (await replies.Msgs.WaitToReadAsync(silence.Token) && replies.Msgs.TryRead(out var message))
            {
                return (message, Read(message));
            }

            return (null, new ExecutionLogBatch { End = true, Error = $"the log stream from node {nodeId} closed" });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new ExecutionLogBatch { End = true, Error = $"node {nodeId} did not answer within {SilenceTimeout.TotalSeconds:F0} s" });
        }
    }

    private static ExecutionLogBatch Read(NatsMsg<byte[]> message)
    {
        try
        {
            return JsonSerializer.Deserialize(message.Data ?? [], BacalhauJsonContext.Default.ExecutionLogBatch)
                ?? new ExecutionLogBatch { End = true, Error = "the node sent an empty log batch" };
        }
        catch (JsonException ex)
        {
            return new ExecutionLogBatch { End = true, Error = $"the node sent an unreadable log batch: {ex.Message}" };
        }
    }

    private static async Task AnswerAsync(INatsConnection nats, NatsMsg<byte[]>? message, CancellationToken cancellationToken)
    {
        if (message?.ReplyTo is { } replyTo)
        {
            await nats.PublishAsync(replyTo, Array.Empty<byte>(), cancellationToken: cancellationToken);
        }
    }
}
