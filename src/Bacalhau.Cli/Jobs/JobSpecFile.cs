using System.Text.Json;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Reads a job spec file (YAML or JSON; <c>-</c> is standard input) with the same reader the orchestrator uses, so
/// a spec that cannot be read is reported here, naming the field, before anything is sent. Its placeholders are
/// filled first (<see cref="JobTemplate"/>) unless no variables are given, as with <c>--no-template</c>.
/// </summary>
internal static class JobSpecFile
{
    public static JsonElement Read(string path, TextReader stdin, IReadOnlyDictionary<string, string>? templateVariables = null)
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
            var spec = templateVariables is null ? text : JobTemplate.Render(text, templateVariables);
            return JsonSerializer.SerializeToElement(JobSpecReader.Read(spec), BacalhauJsonContext.Default.Job);
        }
        catch (Exception ex) when (ex is JobSpecException or FormatException)
        {
            throw new CliException($"{name}: {ex.Message}");
        }
    }
}
