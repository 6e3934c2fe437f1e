using System.Diagnostics;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>A program of the system (a shell, <c>script</c>) run to its end with a bounded wait, killed by PID if it overstays.</summary>
internal static class ExternalProcess
{
    public static bool IsInstalled(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, program)));

    public static Task<CliResult> RunAsync(string program, params string[] args) => RunAsync(program, new Dictionary<string, string?>(), args);

    /// <summary>Runs <paramref name="program"/> with <paramref name="environment"/> on top of this process's (a null value unsets).</summary>
    public static async Task<CliResult> RunAsync(string program, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in args)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
