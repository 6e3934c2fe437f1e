using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Bacalhau.Identity;
using Bacalhau.NatsHosting;
using Bacalhau.ServiceDefaults.Nats;
using NATS.Client.Core;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// Where and how the orchestrator's own NATS server runs: in operator mode, from the config file written with the
/// cluster's keys (<see cref="NatsClusterKeys"/>); <paramref name="AccountSeedFile"/> signs the users that connect.
/// With <paramref name="Tls"/> it requires TLS, with a certificate of the cluster CA (<see cref="NatsClusterCertificates"/>)
/// bound to the orchestrator's peer ID.
/// </summary>
internal sealed record EmbeddedNatsOptions(string Executable, string Host, int Port, string StoreDirectory, string ConfigFile, string AccountSeedFile, NatsServerTls? Tls)
{
    /// <summary>
    /// Generates (first time) or loads the keys in <paramref name="keysDirectory"/> and writes the server's config file;
    /// with <paramref name="tlsNodeKey"/>, the orchestrator's key, the server requires TLS.
    /// </summary>
    public static EmbeddedNatsOptions Create(string executable, string host, int port, string storeDirectory, string keysDirectory, string token, NodeKey? tlsNodeKey)
    {
        using var keys = NatsClusterKeys.LoadOrCreate(keysDirectory);
        var certificates = tlsNodeKey is null ? null : NatsClusterCertificates.Issue(keysDirectory, host, tlsNodeKey);
        // No secret on the command line: the token only shapes the enrollment account written into the 0600 file.
        var config = keys.WriteServerConfig(token, host, port, storeDirectory, certificates);
        return new(executable, host, port, storeDirectory, config, keys.AccountSeedPath, certificates);
    }

    /// <summary>The address this process connects to: loopback when the server listens on every interface.</summary>
    public string ClientUrl => ClientUrlFor(Host, Port);

    /// <summary>Where nats-server writes its PID, so that the next start can stop one that a killed serve left running.</summary>
    public string PidFile => Path.Join(Path.GetDirectoryName(Path.GetFullPath(StoreDirectory)), "nats-server.pid");

    /// <summary>Held by the serve that runs this server (see <see cref="EmbeddedNatsClaim"/>).</summary>
    public string LockFile => Path.Join(Path.GetDirectoryName(Path.GetFullPath(StoreDirectory)), "nats-server.lock");

    public static string ClientUrlFor(string host, int port) =>
        $"nats://{(host is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : host)}:{port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Runs the orchestrator's NATS server as a child process: started before anything connects to it (hosted
/// services start in registration order, and this one returns only once the server accepts clients), restarted
/// when it dies, and stopped by PID when the host is disposed. It dies with this process, kill -9 included
/// (<see cref="ParentBoundProcess"/>).
/// </summary>
internal sealed partial class EmbeddedNatsServer(EmbeddedNatsOptions options, ILogger<EmbeddedNatsServer> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private const int KeptOutputLines = 20;

    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;
    private ParentBoundProcess? _parent;
    private NatsAccountSigner? _signer;
    private Task _supervisor = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.StoreDirectory);
        if (ParentBoundProcess.Setpriv is null)
        {
            LogNoSetpriv(options.PidFile);
        }

        _signer = NatsAccountSigner.Load(options.AccountSeedFile);

        await StartProcessAsync(cancellationToken);
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
        await TerminateAsync();
        _signer?.Dispose();
        _stopping.Dispose();
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(options.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The pid file stays on the command line: the next start recognises a server it may stop by it.
        foreach (var argument in new[] { "-c", options.ConfigFile, "--pid", options.PidFile })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        try
        {
            _parent = await ParentBoundProcess.StartAsync(process);
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new CliException($"cannot start {options.Executable}: {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        LogStarted(process.Id, options.Host, options.Port);

        try
        {
            await WaitUntilReadyAsync(process, cancellationToken);
        }
        catch
        {
            await TerminateAsync();
            throw;
        }

        LogReady(options.ClientUrl);
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new CliException($"nats-server exited with code {process.ExitCode} before accepting clients: {LastOutput()}");
            }

            try
            {
                await using var probe = new NatsConnection(new NatsOpts
                {
                    Url = options.ClientUrl,
                    AuthOpts = _signer!.ServiceUser("readiness probe"),
                    TlsOpts = NatsClientSettings.TlsTrusting(options.Tls?.CaFile),
                    ConnectTimeout = TimeSpan.FromSeconds(1),
                    MaxReconnectRetry = 0,
                });
                await probe.ConnectAsync();
                await probe.PingAsync(timeout.Token);
                return;
            }
            catch (NatsException) when (!timeout.IsCancellationRequested)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new CliException($"nats-server did not accept clients on {options.ClientUrl} within {ReadyTimeout.TotalSeconds:F0} s: {LastOutput()}");
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_process is { } running)
                {
                    await running.WaitForExitAsync(stopping);
                    LogExited(running.ExitCode, LastOutput(), delay.TotalSeconds);
                    await TerminateAsync();
                }

                await Task.Delay(delay, stopping);
                await StartProcessAsync(stopping);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (CliException ex)
            {
                LogRestartFailed(ex.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
            }
        }
    }

    private async Task TerminateAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is not { } process)
        {
            return;
        }

        using (process)
        {
            await ProcessSignals.StopAsync(process, StopTimeout);
        }

        Interlocked.Exchange(ref _parent, null)?.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        LogOutput(line);
        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private string LastOutput()
    {
        lock (_outputLock)
        {
            // nats-server's last error lines say why (address in use, bad store directory, ...).
            var errors = _output.Where(l => l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains("[FTL]", StringComparison.Ordinal)).ToList();
            return (errors.Count > 0 ? errors[^1] : _output.LastOrDefault() ?? "no output").Trim();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started nats-server (PID {Pid}) on {Host}:{Port}")]
    private partial void LogStarted(int pid, string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "nats-server accepts clients at {Url}")]
    private partial void LogReady(string url);

    [LoggerMessage(Level = LogLevel.Error, Message = "nats-server exited with code {ExitCode} ({LastOutput}); restarting in {DelaySeconds} s")]
    private partial void LogExited(int exitCode, string lastOutput, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restarting nats-server failed: {Reason}")]
    private partial void LogRestartFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "setpriv (util-linux) was not found: should this process be killed, its nats-server keeps running until the next start on this data dir stops it (found through {PidFile})")]
    private partial void LogNoSetpriv(string pidFile);

    [LoggerMessage(Level = LogLevel.Debug, Message = "nats-server: {Line}")]
    private partial void LogOutput(string line);
}
