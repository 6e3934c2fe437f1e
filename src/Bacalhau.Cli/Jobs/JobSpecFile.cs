using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
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
    public static JsonElement Read(string path, TextReader stdin, IReadOnlyDictionary<string, string>? templateVariables = null) =>
        JsonSerializer.SerializeToElement(ReadJob(path, stdin, out _, templateVariables), BacalhauJsonContext.Default.Job);

    /// <summary>
    /// The spec as a job, its placeholders filled from <paramref name="templateVariables"/> when given;
    /// <paramref name="name"/> is how messages name where it came from.
    /// </summary>
    public static Job ReadJob(string path, TextReader stdin, out string name, IReadOnlyDictionary<string, string>? templateVariables = null)
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
            return JobSpecReader.Read(templateVariables is null ? text : JobTemplate.Render(text, templateVariables));
        }
        catch (Exception ex) when (ex is JobSpecException or FormatException)
        {
            throw new CliException($"{name}: {ex.Message}");
        }
    }
}
