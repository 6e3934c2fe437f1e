using Bacalhau.NatsHosting.Server;

namespace Bacalhau.Cli.Serve;

/// <summary>Where the orchestrator's own NATS server runs (<see cref="NatsServerConfig"/>) and which binary runs it.</summary>
internal sealed record EmbeddedNatsOptions(string Executable, NatsServerConfig Server)
{
    /// <summary>Held by the serve that runs this server (see <see cref="EmbeddedNatsClaim"/>).</summary>
    public string LockFile => Path.Join(Path.GetDirectoryName(Server.StoreDirectory), "nats-server.lock");
}

/// <summary>
/// Runs the orchestrator's NATS server through the one launcher (<see cref="NatsServerProcess"/>): started before
/// anything connects to it (hosted services start in registration order, and this one returns only once the server
/// accepts clients), restarted when it dies, and stopped by PID when the host is disposed.
/// </summary>
internal sealed partial class EmbeddedNatsServer(EmbeddedNatsOptions options, ILogger<EmbeddedNatsServer> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private NatsServerProcess? _process;
    private Task _supervisor = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!NatsServerProcess.DiesWithParent)
        {
            LogNoSetpriv(options.Server.PidFile);
        }

        try
        {
            _process = await StartProcessAsync(cancellationToken);
        }
        catch (NatsServerStartException ex)
        {
            throw new CliException(ex.Message);
        }

        _supervisor = SuperviseAsync(_stopping.Token);
    }

    /// <summary>Stops supervising only: the server lives on until the NATS client has closed its connection.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _supervisor;
    }

    /// <summary>
    /// Stops the server. The container disposes services in reverse order of creation, so the NATS connection
    /// (created later, by the services that use it) is closed first. Also reached when the host failed to start.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _supervisor;
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await process.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private Task<NatsServerProcess> StartProcessAsync(CancellationToken cancellationToken) =>
        NatsServerProcess.StartAsync(options.Executable, options.Server, logger, cancellationToken: cancellationToken);

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_process is { } running)
                {
                    // Cancelled while it serves: DisposeAsync stops it.
                    await running.WaitForExitAsync(stopping);
                    _process = null;
                    LogExited(running.ExitCode, running.LastOutput(), delay.TotalSeconds);
                    await running.DisposeAsync();
                }

                await Task.Delay(delay, stopping);
                _process = await StartProcessAsync(stopping);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (NatsServerStartException ex)
            {
                LogRestartFailed(ex.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "nats-server exited with code {ExitCode} ({LastOutput}); restarting in {DelaySeconds} s")]
    private partial void LogExited(int exitCode, string lastOutput, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restarting nats-server failed: {Reason}")]
    private partial void LogRestartFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "setpriv (util-linux) was not found: should this process be killed, its nats-server keeps running until the next start on this data dir stops it (found through {PidFile})")]
    private partial void LogNoSetpriv(string pidFile);
}
