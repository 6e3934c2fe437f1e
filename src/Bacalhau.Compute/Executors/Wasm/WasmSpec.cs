using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>
/// The parameters of a wasm engine spec. <see cref="EntryModule"/> and <see cref="ImportModules"/> hold either a path
/// (Bacalhau 1.5+: a target or alias of an input source) or a legacy input source mapping (a JSON object).
/// </summary>
internal sealed record WasmSpec(
    JsonElement EntryModule,
    string Entrypoint,
    IReadOnlyList<string> Parameters,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<JsonElement> ImportModules)
{
    public const string DefaultEntrypoint = "_start";

    public static WasmSpec Parse(JobTask task)
    {
        var engine = task.Engine;
        if (!engine.TryGetParam("EntryModule", out var entry) || entry.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
        {
            throw new WasmException("wasm: Params.EntryModule is required");
        }

        var entrypoint = Text(engine, "Entrypoint") is { Length: > 0 } name ? name : DefaultEntrypoint;
        var parameters = Array(engine, "Parameters").Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText()).ToList();
        var environment = new Dictionary<string, string>(task.Env, StringComparer.Ordinal);
        if (engine.TryGetParam("EnvironmentVariables", out var variables) && variables.ValueKind == JsonValueKind.Object)
        {
            foreach (var variable in variables.EnumerateObject())
            {
                environment[variable.Name] = variable.Value.ValueKind == JsonValueKind.String ? variable.Value.GetString()! : variable.Value.GetRawText();
            }
        }

        return new WasmSpec(entry, entrypoint, parameters, environment, Array(engine, "ImportModules"));
    }

    private static string? Text(SpecConfig config, string name) =>
        config.TryGetParam(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<JsonElement> Array(SpecConfig config, string name) =>
        config.TryGetParam(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];
}

/// <summary>A wasm task that cannot run as specified (bad module, missing entrypoint, unresolvable import).</summary>
internal sealed class WasmException(string message, Exception? inner = null) : Exception(message, inner);
