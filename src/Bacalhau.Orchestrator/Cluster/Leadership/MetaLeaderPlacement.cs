using System.Text.Json;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Cluster.Leadership;

/// <summary>
/// Moves JetStream's meta leader off the leading orchestrator's own nats-server, as a user of the system account (only
/// it may ask). Without a meta leader no consumer can be created: a follower whose log consumer lived on a lost server
/// stayed behind the log, and the jobs it answered for looked unfinished, until nats-server elected one after an
/// election timeout 2.9 does not let us set. Done once at the start of a term, like <see cref="StreamLeaderPlacement"/>;
/// nothing without the system account's key.
/// </summary>
internal sealed partial class MetaLeaderPlacement(NatsAuthOpts? systemUser, INatsConnection nats, TimeProvider time, ILogger<MetaLeaderPlacement> logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly NatsSubOpts AnswerWithin = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Asks for a new meta leader when this orchestrator's server is it, and waits up to <paramref name="within"/> for one elsewhere. Best effort.</summary>
    public async Task MoveOffOwnServerAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        if (systemUser is null || nats.ServerInfo is not { Name.Length: > 0, Id.Length: > 0 } own)
        {
            return;
        }

        try
        {
            await using var system = new NatsConnection(nats.Opts with { AuthOpts = systemUser, Name = $"{nats.Opts.Name} system", MaxReconnectRetry = 0 });
            if (await MetaLeaderAsync(system, own.Id, cancellationToken) != own.Name)
            {
                return;
            }

            var started = time.GetTimestamp();
            var answer = await system.RequestAsync<byte[], byte[]>("$JS.API.META.LEADER.STEPDOWN", "{}"u8.ToArray(), replyOpts: AnswerWithin, cancellationToken: cancellationToken);
            if (ErrorOf(answer.Data) is { } error)
            {
                LogNotMoved(logger, own.Name, error);
                return;
            }

            while (time.GetElapsedTime(started) < within)
            {
                await Task.Delay(Poll, time, cancellationToken);
                if (await TryMetaLeaderAsync(system, own.Id, cancellationToken) is { Length: > 0 } leader && leader != own.Name)
                {
                    var took = time.GetElapsedTime(started);
                    LogMoved(logger, own.Name, leader, took.TotalMilliseconds);
                    return;
                }
            }

            LogNotMoved(logger, own.Name, "no new meta leader in time");
        }
        catch (Exception ex) when (ex is NatsException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogNotMoved(logger, own.Name, ex.Message);
        }
    }

    /// <summary>The meta leader as server <paramref name="serverId"/> sees it (its JetStream report, <c>JSZ</c>); null while there is none.</summary>
    private static async Task<string?> MetaLeaderAsync(NatsConnection system, string serverId, CancellationToken cancellationToken)
    {
        var answer = await system.RequestAsync<byte[], byte[]>($"$SYS.REQ.SERVER.{serverId}.JSZ", "{}"u8.ToArray(), replyOpts: AnswerWithin, cancellationToken: cancellationToken);
        using var report = JsonDocument.Parse(answer.Data ?? []);
        return report.RootElement.TryGetProperty("data", out var data)
            && data.TryGetProperty("meta_cluster", out var meta)
            && meta.TryGetProperty("leader", out var leader)
            ? leader.GetString()
            : null;
    }

    private static async Task<string?> TryMetaLeaderAsync(NatsConnection system, string serverId, CancellationToken cancellationToken)
    {
        try
        {
            return await MetaLeaderAsync(system, serverId, cancellationToken);
        }
        catch (NatsException) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer while the servers elect.
            return null;
        }
    }

    private static string? ErrorOf(byte[]? answer)
    {
        using var document = JsonDocument.Parse(answer ?? []);
        return document.RootElement.TryGetProperty("error", out var error) ? error.GetRawText() : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JetStream's meta leader moved from this orchestrator's server {Server} to {Leader} in {Milliseconds:0} ms")]
    private static partial void LogMoved(ILogger logger, string server, string leader, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JetStream's meta leader stays on this orchestrator's server {Server}: {Reason}")]
    private static partial void LogNotMoved(ILogger logger, string server, string reason);
}
