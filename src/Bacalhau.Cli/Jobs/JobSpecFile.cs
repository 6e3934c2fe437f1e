using System.Text.Json;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Reads a job spec file (YAML or JSON; <c>-</c> is standard input) with the same reader the orchestrator uses, so
/// a spec that cannot be read is reported here, naming the field, before anything is sent.
/// </summary>
internal static class JobSpecFile
{
    public static JsonElement Read(string path, TextReader stdin)
    {
        string text;
        string name;
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
            return JsonSerializer.SerializeToElement(JobSpecReader.Read(text), BacalhauJsonContext.Default.Job);
        }
        catch (JobSpecException ex)
        {
            throw new CliException($"{name}: {ex.Message}");
        }
    }
}
