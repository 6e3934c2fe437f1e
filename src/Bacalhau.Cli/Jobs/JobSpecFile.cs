using System.Text.Json;
using Bacalhau.Cli.Formats;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Reads a job spec file (YAML or JSON; <c>-</c> is standard input) as JSON for the orchestrator, which validates
/// and normalises it. Only the format is handled here, not the meaning of the spec.
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

        var spec = YamlJson.ToJson(text, name);
        return spec.ValueKind == JsonValueKind.Object
            ? spec
            : throw new CliException($"{name} must hold a job: a mapping with Type, Tasks and so on");
    }
}
