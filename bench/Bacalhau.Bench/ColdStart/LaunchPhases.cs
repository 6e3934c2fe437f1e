using Bacalhau.Bench.Infrastructure;

namespace Bacalhau.Bench.ColdStart;

/// <summary>One kind of process a cold start goes through: by when the last of them had started, and the CPU they used.</summary>
internal sealed record LaunchPhase(string Name, double StartedAt, TimeSpan Cpu);

/// <summary>
/// Where a cold start of the AppHost goes, from <c>/proc</c>: when DCP, the dashboard, any <c>dotnet run</c> of a
/// service (DCP's way to launch a project unless told its built executable, as the AppHost now does) and the services
/// themselves had started, from the launched process's own start, and the CPU each kind used until the cluster was up
/// (the machine's cores are shared by all of them).
/// </summary>
internal static class LaunchPhases
{
    private static readonly (string Name, Func<string[], bool> Matches)[] Kinds =
    [
        ("DCP", args => Path.GetFileName(args[0]) == "dcp" && args is [_, "start-apiserver" or "run-controllers", ..]),
        ("dashboard", args => Path.GetFileName(args[0]) == "Aspire.Dashboard"),
        ("dotnet run", args => args is ["dotnet", "run", ..]),
        ("services", args => Path.GetFileName(args[0]) is var name && name.StartsWith("Bacalhau.", StringComparison.Ordinal) && name.EndsWith(".Service", StringComparison.Ordinal)),
    ];

    /// <summary><paramref name="root"/> itself, then the processes it started (directly, or through DCP), in launch order.</summary>
    public static IReadOnlyList<LaunchPhase> Read(int root)
    {
        var rootStart = ProcessStats.StartTime(root);
        var processes = ProcessTree.Descendants(root)
            .Select(pid => (Pid: pid, Args: Arguments(pid)))
            .Where(p => p.Args is [_, ..])
            .ToList();
        var phases = new List<LaunchPhase> { new("AppHost", 0, ProcessStats.CpuTime(root)) };
        foreach (var (name, matches) in Kinds)
        {
            var started = new List<double>();
            var cpu = TimeSpan.Zero;
            foreach (var (pid, _) in processes.Where(p => matches(p.Args)))
            {
                try
                {
                    started.Add((ProcessStats.StartTime(pid) - rootStart).TotalMilliseconds);
                    cpu += ProcessStats.CpuTime(pid);
                }
                catch (IOException)
                {
                    // Ended since it was listed.
                }
            }

            if (started.Count > 0)
            {
                phases.Add(new LaunchPhase(name, started.Max(), cpu));
            }
        }

        return phases;
    }

    private static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
