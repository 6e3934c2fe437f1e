using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bacalhau.Cli.Serve;

internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
