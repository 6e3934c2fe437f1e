using System.Globalization;
using Bacalhau.Bench.Infrastructure;

namespace Bacalhau.Bench.ColdStart;

/// <summary>
/// A process's descendants, read from <c>/proc</c>: what a launcher (the AppHost, DCP) started, so that each one can
/// be stopped by its PID even if it outlives its parent. DCP detaches from the AppHost and watches it instead
/// (<c>--monitor &lt;pid&gt;</c>): a process that monitors one of them counts as its child.
/// </summary>
internal static class ProcessTree
{
    public static IReadOnlyList<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            foreach (var parent in new[] { ParentOf(pid), MonitoredBy(pid) }.OfType<int>())
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        var found = new HashSet<int>();
        var next = new Queue<int>([root]);
        while (next.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                if (child != root && found.Add(child))
                {
                    next.Enqueue(child);
                }
            }
        }

        return [.. found];
    }

    /// <summary>Kills those of <paramref name="pids"/> still running (a PID reused since is not told apart: they are checked right after their parent stopped).</summary>
    public static void KillSurvivors(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    private static int? MonitoredBy(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var at = Array.IndexOf(arguments, "--monitor");
            return at >= 0 && at + 1 < arguments.Length && int.TryParse(arguments[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var monitored) ? monitored : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            return int.Parse(ProcessStats.StatFields(pid)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
