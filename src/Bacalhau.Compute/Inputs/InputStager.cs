using Bacalhau.Compute.Executors;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Compute.Inputs;

/// <summary>Brings a task's input sources onto this machine, under the execution's working directory.</summary>
public sealed class InputStager
{
    public async Task<IReadOnlyList<MountedInput>> StageAsync(JobTask task, string workingDirectory, CancellationToken cancellationToken)
    {
        var staged = new List<MountedInput>();
        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var input = task.InputSources[i];
            var hostPath = Path.Combine(workingDirectory, "inputs", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFileName(input.Target.TrimEnd('/')));
            Directory.CreateDirectory(Path.GetDirectoryName(hostPath)!);
            switch (input.Source.Type.ToLowerInvariant())
            {
                case "inline":
                    await InlineSource.WriteAsync(input.Source, hostPath, cancellationToken);
                    break;
                default:
                    throw new InputException($"InputSources[{i}]: source type '{input.Source.Type}' is not supported on this node");
            }

            staged.Add(new MountedInput(hostPath, input.Target));
        }

        return staged;
    }
}

/// <summary>An input that cannot be staged; the execution fails with this message.</summary>
public sealed class InputException(string message) : Exception(message);
