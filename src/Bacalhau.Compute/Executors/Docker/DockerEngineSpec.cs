using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>The docker engine's parameters of a task, read as Bacalhau reads them (names ignore case).</summary>
internal sealed record DockerEngineSpec(
    string Image,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string> Parameters,
    IReadOnlyList<string> EnvironmentVariables,
    string? WorkingDirectory)
{
    public static DockerEngineSpec From(SpecConfig engine)
    {
        var image = Text(engine, "Image");
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new ExecutionFailedException("the docker engine needs the Image parameter");
        }

        return new DockerEngineSpec(
            image.Trim(),
            engine.TryGetParam("Entrypoint", out _) ? List(engine, "Entrypoint") : null,
            List(engine, "Parameters"),
            List(engine, "EnvironmentVariables"),
            Text(engine, "WorkingDirectory") is { Length: > 0 } workingDirectory ? workingDirectory : null);
    }

    private static string? Text(SpecConfig engine, string name) =>
        engine.TryGetParam(name, out var value) ? Scalar(value, name) : null;

    private static List<string> List(SpecConfig engine, string name)
    {
        if (!engine.TryGetParam(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(item => Scalar(item, name) ?? "")]
            : throw new ExecutionFailedException($"the docker engine's {name} parameter must be a list");
    }

    /// <summary>YAML specs give numbers and booleans where the container wants text ("- 15"): take them as written.</summary>
    private static string? Scalar(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw new ExecutionFailedException($"the docker engine's {name} parameter must hold text, not {value.ValueKind}"),
    };
}
