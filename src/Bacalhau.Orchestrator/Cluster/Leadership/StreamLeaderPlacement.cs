using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Bacalhau.Orchestrator.Cluster.Leadership;

/// <summary>
/// Moves the Raft leaders of the streams the leadership stands on off the leading orchestrator's own nats-server.
/// </summary>
/// <remarks>
/// An orchestrator usually dies with its server. When that server also led the lease's or the log's stream, the
/// survivors could neither read the lease nor append until nats-server elected a new stream leader, after an election
/// timeout nats-server 2.9 does not let us set: failover took 9 to 14 s instead of 5. Done once at the start of a term,
/// before its first append, so no append of the leader can fail while the stream changes leader.
/// </remarks>
internal sealed partial class StreamLeaderPlacement(NatsJSContext jetStream, string? ownServer, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Asks each of <paramref name="streams"/> led by this orchestrator's server to elect a leader elsewhere and waits
    /// up to <paramref name="within"/> for each to have one. Best effort: a stream that cannot move stays where it is.
    /// </summary>
    public async Task MoveOffOwnServerAsync(IEnumerable<string> streams, TimeSpan within, CancellationToken cancellationToken)
    {
        if (ownServer is not { Length: > 0 })
        {
            return;
        }

        foreach (var stream in streams)
        {
            try
            {
                await MoveOffAsync(stream, within, cancellationToken);
            }
            catch (NatsException ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogNotMoved(logger, stream, ex.Message);
            }
        }
    }

    private async Task MoveOffAsync(string stream, TimeSpan within, CancellationToken cancellationToken)
    {
        if (await LeaderAsync(stream, cancellationToken) is not { } cluster || cluster.Leader != ownServer)
        {
            return;
        }

        // Raft elects only a replica that has the whole log; with none online the stream would be left leaderless.
        if (cluster.Replicas?.Any(r => !r.Offline) != true)
        {
            LogNotMoved(logger, stream, "no replica online");
            return;
        }

        var started = time.GetTimestamp();
        await jetStream.JSRequestResponseAsync<object, StreamLeaderStepdownResponse>($"{jetStream.Opts.Prefix}.STREAM.LEADER.STEPDOWN.{stream}", null, cancellationToken);
        while (time.GetElapsedTime(started) < within)
        {
            await Task.Delay(Poll, time, cancellationToken);
            if (await TryLeaderAsync(stream, cancellationToken) is { Leader: { Length: > 0 } leader } && leader != ownServer)
            {
                var took = time.GetElapsedTime(started);
                LogMoved(logger, stream, ownServer!, leader, took.TotalMilliseconds);
                return;
            }
        }

        LogNotMoved(logger, stream, $"no new leader within {within.TotalSeconds:0.#} s");
    }

    private async Task<ClusterInfo?> LeaderAsync(string stream, CancellationToken cancellationToken) =>
        (await jetStream.GetStreamAsync(stream, cancellationToken: cancellationToken)).Info.Cluster;

    /// <summary>The stream's cluster as it stands; null while it elects a leader and does not answer.</summary>
    private async Task<ClusterInfo?> TryLeaderAsync(string stream, CancellationToken cancellationToken)
    {
        try
        {
            return await LeaderAsync(stream, cancellationToken);
        }
        catch (NatsException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream} moved its leader from this orchestrator's server {Server} to {Leader} in {Milliseconds:0} ms")]
    private static partial void LogMoved(ILogger logger, string stream, string server, string leader, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream} keeps its leader on this orchestrator's server: {Reason}")]
    private static partial void LogNotMoved(ILogger logger, string stream, string reason);
}
