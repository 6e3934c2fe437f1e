using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>The built <c>bacalhau</c> run as a process: output captured, every wait bounded, killed by PID at the end.</summary>
internal sealed partial class CliProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "bacalhau.dll");

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private CliProcess(Process process) => _process = process;

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts <c>bacalhau <paramref name="args"/></c> with <paramref name="dataDir"/> as BACALHAU_DIR.</summary>
    public static CliProcess Start(string dataDir, params string[] args) => Start(dataDir, null, new Dictionary<string, string>(), args);

    /// <summary>
    /// Starts <c>bacalhau <paramref name="args"/></c> inside the network namespace <paramref name="netns"/> (when not
    /// null), with <paramref name="environment"/> on top of the usual.
    /// </summary>
    public static CliProcess Start(string dataDir, string? netns, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var startInfo = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] prefix = netns is null ? [] : ["netns", "exec", netns, "dotnet"];
        foreach (var argument in (string[])[.. prefix, Assembly, .. args])
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A wide terminal unless the test asks for another width.
        startInfo.Environment["COLUMNS"] = "300";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment["BACALHAU_DIR"] = dataDir;
        startInfo.Environment.Remove("BACALHAU_PATH");

        var process = new Process { StartInfo = startInfo };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli._stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs a command to its end.</summary>
    public static Task<CliResult> RunAsync(string dataDir, params string[] args) => RunAsync(dataDir, null, new Dictionary<string, string>(), args);

    /// <summary>Runs a command to its end, inside <paramref name="netns"/> when not null, with <paramref name="environment"/>.</summary>
    public static async Task<CliResult> RunAsync(string dataDir, string? netns, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var cli = Start(dataDir, netns, environment, args);
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(exitCode, cli.Stdout, cli.Stderr);
    }

    /// <summary>
    /// Runs <c>bacalhau <paramref name="args"/></c> to its end under <c>script</c>, a pseudo-terminal as its standard
    /// output (TERM=xterm), with <c>NO_COLOR</c> set to <paramref name="noColor"/> (unset when null).
    /// </summary>
    public static Task<CliResult> RunOnTerminalAsync(string dataDir, string? noColor, params string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", Assembly }.Concat(args).Select(Quote));
        var environment = new Dictionary<string, string?>
        {
            ["BACALHAU_DIR"] = dataDir,
            ["BACALHAU_PATH"] = null,
            ["TERM"] = "xterm",
            ["COLUMNS"] = "200",
            ["NO_COLOR"] = noColor,
        };
        return ExternalProcess.RunAsync("script", environment, "--quiet", "--return", "--command", command, "/dev/null");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        // The parameterless wait also drains the redirected output.
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    /// <summary>Graceful stop (SIGTERM), as Ctrl+C or a service manager would ask; killed if it takes too long.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, SigTerm);
        try
        {
            await WaitForExitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>kill -9: the process gets no chance to clean up, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is not null)
        {
            lock (_lock)
            {
                target.AppendLine(line);
            }
        }
    }

    private string Read(StringBuilder source)
    {
        lock (_lock)
        {
            return source.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private static string Quote(string word) => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
