using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Reads a job spec file (YAML or JSON; <c>-</c> is standard input) with the same reader the orchestrator uses, so
/// a spec that cannot be read is reported here, naming the field, before anything is sent.
/// </summary>
internal static class JobSpecFile
{
    public static JsonElement Read(string path, TextReader stdin) =>
        JsonSerializer.SerializeToElement(ReadJob(path, stdin, out _), BacalhauJsonContext.Default.Job);

    /// <summary>The spec as a job; <paramref name="name"/> is how messages name where it came from.</summary>
    public static Job ReadJob(string path, TextReader stdin, out string name)
    {
        string text;
        if (path == "-")
        {
            text = stdin.ReadToEnd();
            name = "standard input";
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new CliException($"job spec '{path}' not found");
            }

            text = File.ReadAllText(path);
            name = $"'{path}'";
        }

        try
        {
            return JobSpecReader.Read(text);
        }
        catch (JobSpecException ex)
        {
            throw new CliException($"{name}: {ex.Message}");
        }
    }
}
