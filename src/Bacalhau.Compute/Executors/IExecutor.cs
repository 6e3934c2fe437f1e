using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors;

/// <summary>Runs the task of an execution on one engine (noop, docker, wasm).</summary>
public interface IExecutor
{
    /// <summary>The engine name jobs ask for in <c>Tasks[0].Engine.Type</c>.</summary>
    string Engine { get; }

    /// <summary>Whether the engine really works on this machine (docker: a daemon answers); only those are advertised.</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>Runs to the end; <paramref name="cancellationToken"/> fires on cancel or timeout.</summary>
    Task<RunCommandResult> RunAsync(ExecutionRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// An execution ready to run: its staged inputs (host paths to mount read-only at their targets) and the host
/// directories its result paths map to, all under the execution's own working directory; and the files its
/// stdout and stderr must be appended to as they are produced, which live log streaming tails. The working
/// directory and the log files exist only once something goes in them: an executor that needs room creates its own
/// subdirectory, one that writes output creates the log files, and an execution that needs neither (noop) costs no
/// file system work at all.
/// </summary>
public sealed record ExecutionRequest(
    Execution Execution,
    string WorkingDirectory,
    IReadOnlyList<MountedInput> Inputs,
    IReadOnlyList<ResultDirectory> Results,
    string StdoutPath,
    string StderrPath)
{
    public JobTask Task => Execution.Job!.Tasks[0];

    /// <summary>Creates the empty log files, for an executor about to write output.</summary>
    public void CreateLogFiles()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StdoutPath)!);
        File.WriteAllBytes(StdoutPath, []);
        File.WriteAllBytes(StderrPath, []);
    }
}

/// <summary>An input staged on the host at <paramref name="HostPath"/>, to appear read-only at <paramref name="Target"/>.</summary>
public sealed record MountedInput(string HostPath, string Target);

/// <summary>A result path: what the task writes under <paramref name="Path"/> lands in <paramref name="HostPath"/>.</summary>
public sealed record ResultDirectory(string Name, string Path, string HostPath);
