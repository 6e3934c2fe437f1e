using System.Globalization;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// A serve's hold on the embedded nats-server of its data dir: an exclusive lock, which the kernel drops when the
/// process dies, so that two serves never share one store; and, once held, the stop of a nats-server that a killed
/// serve left running (normally the kernel kills it along, see <see cref="ParentBoundProcess"/>). That server is
/// found through the PID file it wrote and stopped only when its command line shows it is this data dir's own.
/// </summary>
internal sealed class EmbeddedNatsClaim : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private const int MaxPidFileLength = 32;

    private readonly FileStream _lock;

    private EmbeddedNatsClaim(FileStream lockFile) => _lock = lockFile;

    public static async Task<EmbeddedNatsClaim> TakeAsync(EmbeddedNatsOptions options, TextWriter console, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(options.LockFile)!;
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock.
            lockFile = new FileStream(options.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new CliException($"another `bacalhau serve` is running an orchestrator on {directory}; stop it first");
        }

        try
        {
            if (LeftoverPid(options) is { } pid)
            {
                await StopAsync(pid, cancellationToken);
                await console.WriteLineAsync($"Stopped the nats-server (PID {pid.ToString(CultureInfo.InvariantCulture)}) that a previous serve on this data dir left running");
            }
        }
        catch
        {
            await lockFile.DisposeAsync();
            throw;
        }

        return new EmbeddedNatsClaim(lockFile);
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>The PID in the PID file when it is a live nats-server started with that same PID file.</summary>
    private static int? LeftoverPid(EmbeddedNatsOptions options)
    {
        var file = new FileInfo(options.PidFile);
        if (!file.Exists || file.Length > MaxPidFileLength
            || !int.TryParse(File.ReadAllText(file.FullName).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            return null;
        }

        string[] arguments;
        try
        {
            arguments = File.ReadAllText(ProcPath(pid, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var pidFileArgument = Array.IndexOf(arguments, "--pid") + 1;
        return arguments.Length > 0 && Path.GetFileName(arguments[0]) == "nats-server"
            && pidFileArgument > 0 && pidFileArgument < arguments.Length && arguments[pidFileArgument] == options.PidFile
            ? pid
            : null;
    }

    private static async Task StopAsync(int pid, CancellationToken cancellationToken)
    {
        // SIGTERM lets JetStream flush its store; SIGKILL when it takes too long.
        foreach (var signal in new[] { ProcessSignals.SigTerm, ProcessSignals.SigKill })
        {
            ProcessSignals.Send(pid, signal);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StopTimeout);
            try
            {
                // Not our child, so no exit to wait on: its /proc entry tells.
                while (IsRunning(pid))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
                }

                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still running: the next signal.
            }
        }

        throw new CliException($"cannot stop the nats-server (PID {pid.ToString(CultureInfo.InvariantCulture)}) that a previous serve on this data dir left running");
    }

    /// <summary>Alive and not a zombie (exited, not yet reaped by whoever inherited it: it holds no port any more).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText(ProcPath(pid, "stat"));
            var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ProcPath(int pid, string entry) => Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), entry);
}
