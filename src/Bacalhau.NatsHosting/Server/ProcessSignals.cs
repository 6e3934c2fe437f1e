using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bacalhau.NatsHosting.Server;

internal static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Asks <paramref name="process"/> to stop (SIGTERM) and kills it if it is still running after <paramref name="timeout"/>.</summary>
    public static async Task StopAsync(Process process, TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows() && Kill(process.Id, SigTerm) == 0)
        {
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: kill it below.
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>, which need not be a child of this process.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
