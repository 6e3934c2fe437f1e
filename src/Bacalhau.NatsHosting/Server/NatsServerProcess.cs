using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// The one launcher of a <c>nats-server</c> process: started with <see cref="NatsServerConfig.Arguments"/> (no secret on
/// its command line), bound to this process's life, kill -9 included (<see cref="ParentBoundProcess"/>), returned once a
/// real client is served (<see cref="NatsServerReadiness"/>) and stopped by PID: SIGTERM, so that JetStream flushes
/// its store, then SIGKILL.
/// </summary>
public sealed partial class NatsServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private const int KeptOutputLines = 20;

    private readonly Process _process;
    private readonly ParentBoundProcess _parent;
    private readonly ILogger _logger;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private int _stopped;

    private NatsServerProcess(Process process, ParentBoundProcess parent, NatsServerConfig config, ILogger logger)
    {
        _process = process;
        _parent = parent;
        _logger = logger;
        Config = config;
    }

    public NatsServerConfig Config { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Whether setpriv binds the server to this process; without it a killed parent leaves it running.</summary>
    public static bool DiesWithParent => ParentBoundProcess.Setpriv is not null;

    /// <summary>
    /// Starts <paramref name="executable"/> on <paramref name="config"/> and waits until it serves clients, at most
    /// <paramref name="readyTimeout"/> (default 30 s); stops it again and throws <see cref="NatsServerStartException"/>
    /// with its last error line when it does not.
    /// </summary>
    public static async Task<NatsServerProcess> StartAsync(string executable, NatsServerConfig config, ILogger? logger = null, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        ArgumentNullException.ThrowIfNull(config);
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in config.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        ParentBoundProcess parent;
        try
        {
            parent = await ParentBoundProcess.StartAsync(process);
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new NatsServerStartException($"cannot start {executable}: {ex.Message}");
        }

        var server = new NatsServerProcess(process, parent, config, logger ?? NullLogger.Instance);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(server._logger, process.Id, config.Host, config.Port);
        try
        {
            await server.WaitUntilReadyAsync(readyTimeout ?? DefaultReadyTimeout, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        LogReady(server._logger, config.ClientUrl);
        return server;
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>nats-server's last error line (address in use, bad store directory, ...), else its last line.</summary>
    public string LastOutput()
    {
        lock (_outputLock)
        {
            var errors = _output.Where(l => l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains("[FTL]", StringComparison.Ordinal)).ToList();
            return (errors.Count > 0 ? errors[^1] : _output.LastOrDefault() ?? "no output").Trim();
        }
    }

    /// <summary>Stops the server by its PID (SIGTERM, SIGKILL after 10 s) and releases it; once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await ProcessSignals.StopAsync(_process, StopTimeout);
        _process.Dispose();
        _parent.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        using var signer = NatsAccountSigner.Load(Config.AccountSeedFile);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(readyTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                // Until its output is read to the end, the line that says why may not have been recorded yet.
                await _process.WaitForExitAsync(CancellationToken.None);
                throw new NatsServerStartException($"nats-server exited with code {_process.ExitCode} before accepting clients: {LastOutput()}");
            }

            try
            {
                await NatsServerReadiness.ProbeAsync(Config.ClientUrl, signer.ServiceUser("readiness probe"), Config.Tls?.CaFile, timeout.Token);
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
                await Task.Delay(ProbeInterval, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new NatsServerStartException($"nats-server did not accept clients on {Config.ClientUrl} within {readyTimeout.TotalSeconds:F0} s: {LastOutput()}");
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        LogOutput(_logger, line);
        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started nats-server (PID {Pid}) on {Host}:{Port}")]
    private static partial void LogStarted(ILogger logger, int pid, string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "nats-server accepts clients at {Url}")]
    private static partial void LogReady(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Debug, Message = "nats-server: {Line}")]
    private static partial void LogOutput(ILogger logger, string line);
}
