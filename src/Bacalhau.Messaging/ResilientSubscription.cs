using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>
/// A subscription that outlives failures: when the server drops it (a restart, a permission change) it is logged and
/// made again after <see cref="RetryDelay"/>, until cancelled. Every long-lived subscriber of a node runs on it.
/// </summary>
public static partial class ResilientSubscription
{
    /// <summary>The pause before subscribing again, so that a server refusing us is not asked in a tight loop.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Hands every message on <paramref name="subject"/> to <paramref name="handle"/>, one at a time, until cancelled.</summary>
    public static async Task SubscribeUntilStoppedAsync(
        this INatsConnection nats,
        string subject,
        Func<NatsMsg<byte[]>, CancellationToken, ValueTask> handle,
        ILogger logger,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(handle);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in nats.SubscribeAsync<byte[]>(subject, cancellationToken: cancellationToken))
                {
                    await handle(msg, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NatsException ex)
            {
                LogSubscriptionFailed(logger, subject, ex.Message);
                // Cancelled while waiting: the loop ends on its condition.
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription to {Subject} failed, retrying: {Error}")]
    private static partial void LogSubscriptionFailed(ILogger logger, string subject, string error);
}
