using System.Diagnostics;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Measurement;

/// <summary>Wall times of a command run again and again, one run after the other, each expected to exit 0.</summary>
internal static class CommandTimer
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Wall times of <paramref name="runs"/> runs after one unmeasured warm-up, or null when the program does not exist.</summary>
    public static async Task<Latencies?> TimeAsync(string program, string[] arguments, IReadOnlyDictionary<string, string> environment, int runs, CancellationToken cancellationToken)
    {
        var times = new Latencies();
        for (var i = -1; i < runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            if (await RunAsync(program, arguments, environment) is null)
            {
                return null;
            }

            if (i >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started));
            }
        }

        return times;
    }

    /// <summary>The output of one run, or null when the program does not exist; a non-zero exit throws with the output.</summary>
    public static async Task<string?> RunAsync(string program, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(program, arguments, environment);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        await using (process)
        {
            var exitCode = await process.WaitForExitAsync(CommandTimeout);
            return exitCode == 0
                ? process.Output
                : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {exitCode}:\n{process.Output}");
        }
    }
}
