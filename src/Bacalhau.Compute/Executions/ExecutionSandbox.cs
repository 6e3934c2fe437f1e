using System.Globalization;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;

namespace Bacalhau.Compute.Executions;

/// <summary>
/// Keeps an execution inside its working directory. The API has checked the spec already; these checks hold for a
/// spec that never passed it (an older orchestrator, a message from elsewhere), and they look at the disk itself:
/// what a result name resolves to, symbolic links followed, must lie inside the execution's outputs directory.
/// </summary>
internal static class ExecutionSandbox
{
    /// <summary>Fails the execution, before anything is staged, when a name or path of the task could leave the sandbox.</summary>
    /// <exception cref="ExecutionFailedException">Every problem found, each naming its field.</exception>
    public static void ThrowIfUnsafe(JobTask task)
    {
        List<string>? problems = null;
        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            Add(ref problems, $"ResultPaths[{i}].Name", SandboxPaths.NameProblem(task.ResultPaths[i].Name));
            Add(ref problems, $"ResultPaths[{i}].Path", SandboxPaths.ContainerPathProblem(task.ResultPaths[i].Path));
        }

        for (var i = 0; i < task.InputSources.Count; i++)
        {
            Add(ref problems, $"InputSources[{i}].Target", SandboxPaths.ContainerPathProblem(task.InputSources[i].Target));
            Add(ref problems, $"InputSources[{i}].Alias", SandboxPaths.AliasProblem(task.InputSources[i].Alias));
        }

        if (problems is not null)
        {
            throw new ExecutionFailedException($"refused to run a task whose names or paths could leave its sandbox: {string.Join("; ", problems)}");
        }
    }

    /// <summary>
    /// Creates the host directory of each result path, <c>outputs/&lt;name&gt;</c> under the working directory. A task
    /// without result paths costs no file system work.
    /// </summary>
    /// <exception cref="ExecutionFailedException">A directory would lie outside the outputs directory.</exception>
    public static IReadOnlyList<ResultDirectory> CreateResultDirectories(string workingDirectory, IReadOnlyList<ResultPath> resultPaths)
    {
        if (resultPaths.Count == 0)
        {
            return [];
        }

        for (var i = 0; i < resultPaths.Count; i++)
        {
            if (SandboxPaths.NameProblem(resultPaths[i].Name) is { } problem)
            {
                throw new ExecutionFailedException(string.Create(CultureInfo.InvariantCulture, $"ResultPaths[{i}].Name: {problem}"));
            }
        }

        // Checked on the disk before anything is created, links followed: no directory is made, nor given to the task,
        // anywhere but inside the execution's own outputs directory.
        var root = Path.Combine(RealPath.Resolve(workingDirectory), "outputs");
        if (RealPath.Resolve(root) is var realRoot && realRoot != root)
        {
            throw new ExecutionFailedException($"the execution's outputs directory '{root}' leads to '{realRoot}'; results are not written through it");
        }

        Directory.CreateDirectory(root);
        var directories = new List<ResultDirectory>(resultPaths.Count);
        for (var i = 0; i < resultPaths.Count; i++)
        {
            var result = resultPaths[i];
            var directory = Path.Combine(root, result.Name);
            if (RealPath.Resolve(directory) is var real && real != directory)
            {
                throw new ExecutionFailedException($"ResultPaths[{i}].Name: '{result.Name}' leads to '{real}', not to a directory of its own in the execution's outputs directory");
            }

            Directory.CreateDirectory(directory);
            directories.Add(new ResultDirectory(result.Name, result.Path, directory));
        }

        return directories;
    }

    private static void Add(ref List<string>? problems, string field, string? problem)
    {
        if (problem is not null)
        {
            (problems ??= []).Add($"{field}: {problem}");
        }
    }
}
