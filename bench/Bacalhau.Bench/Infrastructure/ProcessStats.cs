using System.Globalization;
using System.Runtime.InteropServices;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>A process's own CPU time and resident memory, read from <c>/proc/&lt;pid&gt;</c>.</summary>
internal static partial class ProcessStats
{
    private const int ClockTicksName = 2;
    private static readonly long ClockTicksPerSecond = Math.Max(1, SysConf(ClockTicksName));

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var fields = StatFields(pid);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>When the process started, as time since the machine booted.</summary>
    public static TimeSpan StartTime(int pid) =>
        TimeSpan.FromSeconds((double)long.Parse(StatFields(pid)[19], CultureInfo.InvariantCulture) / ClockTicksPerSecond);

    /// <summary>Resident set size in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    /// <summary>The process's CPU use over <paramref name="window"/>, in percent of one core.</summary>
    public static async Task<double> CpuPercentAsync(int pid, TimeSpan window, CancellationToken cancellationToken)
    {
        var startCpu = CpuTime(pid);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Delay(window, cancellationToken);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return 100 * (CpuTime(pid) - startCpu) / elapsed;
    }

    /// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> from the third (the state) on.</summary>
    public static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
