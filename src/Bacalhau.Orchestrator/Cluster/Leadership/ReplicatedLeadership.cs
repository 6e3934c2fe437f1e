using Bacalhau.Orchestrator.Cluster.Log;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Bacalhau.Orchestrator.Cluster.Leadership;

/// <summary>
/// Leadership of a replicated orchestrator. It starts as a follower that applies the log; when the lease has stood
/// unrenewed for its duration it takes it, catches up with the log, appends the start of its term (which fences any
/// earlier leader) and only then starts the leader's services. It renews the lease every third of its duration from
/// the moment it wins it (a lease lost while catching up costs nothing: it goes on following); once
/// it may no longer count on it, or another orchestrator appended, it stops acting and its host stops with
/// <see cref="OrchestratorExitCodes.LostLeadership"/>, to be started anew as a follower.
/// </summary>
internal sealed partial class ReplicatedLeadership(
    INatsConnection nats,
    SqliteJobStore store,
    NodeRegistry registry,
    IOptions<ClusterOptions> options,
    OrchestratorIdentity identity,
    ClusterMetrics metrics,
    IEnumerable<LeaderService> leaderServices,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ReplicatedLeadership> logger) : BackgroundService, IClusterLeadership
{
    // NATS's default max_payload is 1 MiB; a batch stays well under it, headers included.
    private const int MaxBatchBytes = 768 * 1024;
    private static readonly TimeSpan JetStreamRequestTimeout = TimeSpan.FromSeconds(2);

    private readonly List<IHostedService> _started = [];
    private LeaderLease? _lease;
    private volatile bool _leading;

    public OrchestratorRole Role => _leading ? OrchestratorRole.Leader : OrchestratorRole.Follower;

    public LeaderInfo? Leader => _lease?.Leader;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var service in Enumerable.Reverse(_started))
        {
            await service.StopAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cluster = options.Value;
        var orchestrators = cluster.Orchestrators;
        // JetStream answers in milliseconds; a call it leaves unanswered is to a stream whose Raft leader was lost,
        // and asking again soon finds the new one instead of waiting out the client's default of 5 s.
        var jetStream = new NatsJSContext(nats, new NatsJSOpts(nats.Opts, requestTimeout: JetStreamRequestTimeout));
        var log = new StateLog(jetStream);
        // A cluster that is just starting has no JetStream meta leader to answer yet.
        var retry = cluster.LeaseDuration / 3;
        await AskUntilAnsweredAsync(
            async () =>
            {
                await log.EnsureAsync(orchestrators, stoppingToken);
                return log;
            },
            retry,
            stoppingToken);
        var lease = _lease = await AskUntilAnsweredAsync(() => LeaderLease.OpenAsync(jetStream, orchestrators, cluster.LeaseDuration, time, stoppingToken), retry, stoppingToken);
        var follower = new LogFollower(log, store, store.StartReplication(), metrics, logger);
        metrics.RecordRole(OrchestratorRole.Follower);
        LogFollowing(logger, identity.NodeId, follower.Applied);

        // The lease is renewed from the moment it is won, before the appender that can be fenced exists.
        var appenderFenced = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (term, holding) = await FollowUntilElectedAsync(log, lease, follower, appenderFenced.Task.Unwrap(), stoppingToken);
        await new StreamLeaderPlacement(jetStream, nats.ServerInfo?.Name, time, logger)
            .MoveOffOwnServerAsync([StateLog.StreamName, LeaderLease.StreamName], lease.Duration / 3, stoppingToken);
        if (services.GetService<MetaLeaderPlacement>() is { } meta)
        {
            await meta.MoveOffOwnServerAsync(lease.Duration / 3, stoppingToken);
        }
        var appender = new LogAppender(log, store.Writer, follower.Applied, MaxBatchBytes, () => lease.IsHeld, metrics);
        appenderFenced.SetResult(appender.Fenced);
        store.ReplicateThrough(appender);
        try
        {
            await store.StartTermAsync(term, identity.NodeId);
        }
        catch (Exception ex) when (ex is LogFencedException or NotLeaderException)
        {
            StepDown(appender, term);
            return;
        }

        await store.ReloadOutboxAsync();
        registry.Restore();
        _leading = true;
        metrics.RecordRole(OrchestratorRole.Leader);
        LogLeading(logger, identity.NodeId, term, appender.LastSequence);
        foreach (var service in leaderServices.Select(s => s.Resolve(services)))
        {
            await service.StartAsync(stoppingToken);
            _started.Add(service);
        }

        await holding;
        if (!stoppingToken.IsCancellationRequested)
        {
            StepDown(appender, term);
        }
    }

    /// <summary>What <paramref name="ask"/> answers, asked again every <paramref name="interval"/> while JetStream does not answer.</summary>
    private async Task<T> AskUntilAnsweredAsync<T>(Func<Task<T>> ask, TimeSpan interval, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await ask();
            }
            catch (NatsException ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogJetStreamUnavailable(logger, ex.Message);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>
    /// Applies the log until this orchestrator wins the lease and has caught up with the log while holding it. Answers
    /// its term and the renewal of its lease, already running: catching up after a server died can outlast a lease.
    /// </summary>
    private async Task<(long Term, Task Holding)> FollowUntilElectedAsync(StateLog log, LeaderLease lease, LogFollower follower, Task fenced, CancellationToken stoppingToken)
    {
        using var following = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var applying = follower.RunAsync(following.Token);
        var interval = lease.Duration / 3;
        while (true)
        {
            var term = await WinLeaseAsync(lease, follower, applying, interval, stoppingToken);
            var holding = HoldAsync(lease, fenced, stoppingToken);
            var caughtUp = CatchUpAsync(log, follower, interval, stoppingToken);
            if (await Task.WhenAny(caughtUp, holding) == caughtUp)
            {
                await caughtUp;
                await following.CancelAsync();
                try
                {
                    await applying;
                }
                catch (OperationCanceledException)
                {
                    // The follower stops here: from now on this orchestrator appends.
                }

                return (term, holding);
            }

            // Lost before it did anything as leader: it goes on following.
            stoppingToken.ThrowIfCancellationRequested();
            LogLeaseLostWhileCatchingUp(logger, term);
        }
    }

    /// <summary>Watches the lease, while the follower applies the log, until it is free and this orchestrator wins it; answers the term it leads in.</summary>
    private async Task<long> WinLeaseAsync(LeaderLease lease, LogFollower follower, Task applying, TimeSpan interval, CancellationToken stoppingToken)
    {
        while (true)
        {
            if (applying.IsFaulted)
            {
                await applying;
            }

            try
            {
                if (await lease.ObserveAsync(stoppingToken))
                {
                    var term = Math.Max(lease.Leader?.Term ?? 0, follower.LastTerm) + 1;
                    if (await lease.TryTakeAsync(new LeaderInfo(identity.NodeId, ApiUrl(), term), stoppingToken))
                    {
                        return term;
                    }
                }
            }
            catch (NatsException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // JetStream does not answer while its servers elect new stream leaders (a server died): ask again.
                LogJetStreamUnavailable(logger, ex.Message);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    private async Task CatchUpAsync(StateLog log, LogFollower follower, TimeSpan interval, CancellationToken stoppingToken) =>
        // A lease lost meanwhile fails the term's first append.
        await follower.WaitForAsync(await AskUntilAnsweredAsync(() => log.LastSequenceAsync(stoppingToken), interval, stoppingToken), stoppingToken);

    /// <summary>
    /// Renews the lease every third of its duration until this orchestrator can no longer count on it, another one
    /// took it, or <paramref name="fenced"/> completes (another one appended). Each attempt is given a third of the
    /// lease: an answer that never comes must not hold the renewals up past it.
    /// </summary>
    private async Task HoldAsync(LeaderLease lease, Task fenced, CancellationToken stoppingToken)
    {
        var interval = lease.Duration / 3;
        while (!stoppingToken.IsCancellationRequested && lease.IsHeld && !fenced.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(TimeSpan.FromTicks(Math.Clamp(lease.HeldFor.Ticks, 0, interval.Ticks)), time, stoppingToken), fenced);
            if (stoppingToken.IsCancellationRequested || fenced.IsCompleted)
            {
                return;
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                attempt.CancelAfter(interval);
                await lease.RenewAsync(attempt.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Tried again next round while the lease still holds by this orchestrator's clock.
                LogRenewFailed(logger, ex);
            }
        }
    }

    private void StepDown(LogAppender appender, long term)
    {
        _leading = false;
        appender.Stop(new NotLeaderException());
        store.ReplicateThrough(NotLeading.Journal);
        metrics.RecordRole(OrchestratorRole.Follower);
        LogLostLeadership(logger, term, _lease?.Leader is { } leader && leader.NodeId != identity.NodeId ? leader.NodeId : "another orchestrator");
        Environment.ExitCode = OrchestratorExitCodes.LostLeadership;
        lifetime.StopApplication();
    }

    /// <summary>This orchestrator's API as the others reach it: the advertised URL, else Kestrel's first bound address.</summary>
    private string ApiUrl()
    {
        if (options.Value.ApiAdvertise is { Length: > 0 } advertised)
        {
            return advertised;
        }

        var bound = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
        return bound.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestrator {NodeId} follows the cluster's leader from log sequence {Applied}")]
    private static partial void LogFollowing(ILogger logger, string nodeId, ulong applied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestrator {NodeId} leads the cluster in term {Term} from log sequence {Sequence}")]
    private static partial void LogLeading(ILogger logger, string nodeId, long term, ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the leader lease failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of term {Term} while catching up with the log; following again")]
    private static partial void LogLeaseLostWhileCatchingUp(ILogger logger, long term);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JetStream did not answer ({Error}); asking again")]
    private static partial void LogJetStreamUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost leadership of term {Term} to {Leader}; restarting as a follower")]
    private static partial void LogLostLeadership(ILogger logger, long term, string leader);
}
