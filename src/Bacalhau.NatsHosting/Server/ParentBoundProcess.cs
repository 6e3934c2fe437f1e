using System.Diagnostics;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// Starts a child process that the kernel kills when this process dies, kill -9 included: through util-linux's
/// <c>setpriv --pdeathsig KILL</c>, as .NET cannot set PR_SET_PDEATHSIG between its fork and exec. The kernel sends
/// that signal when the forking <em>thread</em> ends, and the thread pool retires idle threads, so the child is
/// started from a thread of its own that lives until <see cref="Dispose"/>, called once the child is gone.
/// </summary>
internal sealed class ParentBoundProcess : IDisposable
{
    private static readonly string[] SystemDirectories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    private readonly ManualResetEventSlim _release = new();

    private ParentBoundProcess()
    {
    }

    /// <summary>Where setpriv is; null when it is missing or lacks --pdeathsig (not Linux, or util-linux before 2.33).</summary>
    public static string? Setpriv { get; } = FindSetpriv();

    /// <summary>
    /// Starts <paramref name="process"/>, bound to this process's life when <see cref="Setpriv"/> exists (the PID is the
    /// child's own: setpriv executes it in place). Dispose the result only after the child has exited.
    /// </summary>
    public static async Task<ParentBoundProcess> StartAsync(Process process)
    {
        if (Setpriv is { } setpriv)
        {
            var startInfo = process.StartInfo;
            startInfo.ArgumentList.Insert(0, startInfo.FileName);
            startInfo.ArgumentList.Insert(0, "--");
            startInfo.ArgumentList.Insert(0, "KILL");
            startInfo.ArgumentList.Insert(0, "--pdeathsig");
            startInfo.FileName = setpriv;
        }

        var bound = new ParentBoundProcess();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
                return;
            }

            bound._release.Wait();
        })
        {
            IsBackground = true,
            Name = "parent of a bound child process",
        };
        thread.Start();
        try
        {
            await started.Task;
        }
        catch
        {
            bound.Dispose();
            throw;
        }

        return bound;
    }

    public void Dispose()
    {
        _release.Set();
    }

    private static string? FindSetpriv()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var setpriv = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, "setpriv"))
            .FirstOrDefault(File.Exists);
        return setpriv is not null && KnowsPdeathsig(setpriv) ? setpriv : null;
    }

    /// <summary>util-linux before 2.33 has setpriv without --pdeathsig: it would refuse to start the child at all.</summary>
    private static bool KnowsPdeathsig(string setpriv)
    {
        try
        {
            using var help = Process.Start(new ProcessStartInfo(setpriv, "--help") { RedirectStandardOutput = true, UseShellExecute = false });
            if (help is null)
            {
                return false;
            }

            var text = help.StandardOutput.ReadToEnd();
            help.WaitForExit();
            return text.Contains("--pdeathsig", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
