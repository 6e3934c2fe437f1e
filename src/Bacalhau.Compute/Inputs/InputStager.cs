using System.Globalization;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Inputs;

/// <summary>
/// Brings a task's input sources onto this machine. What is copied lands in its own directory under the execution's
/// working directory (<c>inputs/&lt;index&gt;/&lt;name of the target&gt;</c>), so no input can reach outside it.
/// </summary>
public sealed class InputStager(IEnumerable<IInputSource> sources)
{
    private readonly Dictionary<string, IInputSource> _sources = sources.ToDictionary(s => s.Type, StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<MountedInput>> StageAsync(JobTask task, string workingDirectory, CancellationToken cancellationToken)
    {
        var staged = new List<MountedInput>();
        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var directory = Path.Combine(workingDirectory, "inputs", i.ToString(CultureInfo.InvariantCulture));
            staged.Add(await StageAsync(task.InputSources[i], directory, $"InputSources[{i}]", cancellationToken));
        }

        return staged;
    }

    /// <summary>Why this node cannot stage the inputs of <paramref name="task"/> (a type it lacks or has disabled); null when it can.</summary>
    public string? Problem(JobTask task) =>
        task.InputSources.FirstOrDefault(i => !_sources.ContainsKey(i.Source.Type.Trim())) is { } input ? Unsupported(input.Source.Type) : null;

    private string Unsupported(string type) =>
        $"input source type '{type}' is not supported on this node (supported: {string.Join(", ", _sources.Keys)})";

    /// <summary>Stages one input into <paramref name="directory"/>; <paramref name="label"/> names it in errors.</summary>
    public async Task<MountedInput> StageAsync(InputSource input, string directory, string label, CancellationToken cancellationToken)
    {
        if (!_sources.TryGetValue(input.Source.Type.Trim(), out var source))
        {
            throw new InputException($"{label}: {Unsupported(input.Source.Type)}");
        }

        Directory.CreateDirectory(directory);
        var stagingPath = Path.Combine(directory, SafeFileName(Path.GetFileName(input.Target.TrimEnd('/')), "input"));
        try
        {
            return new MountedInput(await source.StageAsync(input, stagingPath, cancellationToken), input.Target);
        }
        catch (InputException ex)
        {
            throw new InputException($"{label}: {ex.Message}", ex);
        }
    }

    /// <summary>A name that stays inside the directory it is combined with.</summary>
    internal static string SafeFileName(string name, string fallback)
    {
        var clean = string.Concat(name.Select(c => c == '/' || c == '\\' || char.IsControl(c) ? '_' : c));
        return clean is "" or "." or ".." ? fallback : clean;
    }
}
