using System.Globalization;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// A nats-server that a killed parent left running on its store (normally the kernel kills it along, see
/// <see cref="ParentBoundProcess"/>): found through the PID file it wrote, and stopped only when its command line in
/// <c>/proc</c> shows it was started with that same PID file, so a PID reused by another process is left alone.
/// </summary>
public static class LeftoverNatsServer
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private const int MaxPidFileLength = 32;

    /// <summary>Stops the server <paramref name="pidFile"/> names, if it is one; returns its PID, or null when there was none.</summary>
    public static async Task<int?> StopAsync(string pidFile, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(pidFile);
        if (Find(Path.GetFullPath(pidFile)) is not { } pid)
        {
            return null;
        }

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
                    await Task.Delay(PollInterval, timeout.Token);
                }

                return pid;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still running: the next signal.
            }
        }

        throw new NatsServerStartException($"cannot stop the nats-server (PID {pid.ToString(CultureInfo.InvariantCulture)}) left running on {Path.GetDirectoryName(pidFile)}");
    }

    /// <summary>The PID in the PID file when it is a live nats-server started with that same PID file.</summary>
    private static int? Find(string pidFile)
    {
        var file = new FileInfo(pidFile);
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
            && pidFileArgument > 0 && pidFileArgument < arguments.Length && arguments[pidFileArgument] == pidFile
            ? pid
            : null;
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
