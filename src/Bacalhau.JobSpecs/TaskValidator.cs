using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs.S3;

namespace Bacalhau.JobSpecs;

/// <summary>The rules for one task of a job; errors are prefixed with the task's path.</summary>
internal static class TaskValidator
{
    private const string HttpNetworkRefusal =
        "HTTP networking (HTTP(S) to the listed Domains only) cannot be enforced by Bacalhau.NET and is refused rather than widened to the host's network; "
        + "ask for Full, which a node runs only when it sets JobAdmissionControl.AcceptNetworkedJobs";

    public static void Validate(JobTask task, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(task.Name))
        {
            errors.Add($"{path}.Name: required");
        }

        ValidateEngine(task.Engine, $"{path}.Engine", errors);
        if (task.Publisher is not null)
        {
            AddProblem(errors, $"{path}.Publisher.Type", KnownNames.Problem(task.Publisher.Type, "publisher", PublisherTypes.All));
            if (KnownNames.Find(task.Publisher.Type, PublisherTypes.All) == PublisherTypes.S3)
            {
                AddProblem(errors, $"{path}.Publisher", S3PublisherSpec.Problem(task.Publisher));
            }
        }

        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var input = task.InputSources[i];
            AddProblem(errors, $"{path}.InputSources[{i}].Source.Type", KnownNames.Problem(input.Source.Type, "source", SourceTypes.All));
            if (KnownNames.Find(input.Source.Type, SourceTypes.All) == SourceTypes.S3)
            {
                AddProblem(errors, $"{path}.InputSources[{i}].Source", S3SourceSpec.Problem(input.Source));
            }

            AddProblem(errors, $"{path}.InputSources[{i}].Target", SandboxPaths.ContainerPathProblem(input.Target));
            AddProblem(errors, $"{path}.InputSources[{i}].Alias", SandboxPaths.AliasProblem(input.Alias));
        }

        var resultNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            var result = task.ResultPaths[i];
            var namePath = $"{path}.ResultPaths[{i}].Name";
            if (SandboxPaths.NameProblem(result.Name) is { } nameProblem)
            {
                errors.Add($"{namePath}: {nameProblem}");
            }
            else if (!resultNames.Add(result.Name))
            {
                errors.Add($"{namePath}: '{result.Name}' names another result path too; names must be unique");
            }

            AddProblem(errors, $"{path}.ResultPaths[{i}].Path", SandboxPaths.ContainerPathProblem(result.Path));
        }

        if (!ResourceParser.TryParse(task.Resources, out _, out var resourceErrors))
        {
            errors.AddRange(resourceErrors.Select(error => $"{path}.Resources.{error}"));
        }

        ValidateNetwork(task.Network, $"{path}.Network", errors);

        ValidateTimeout(task.Timeouts.ExecutionTimeout, $"{path}.Timeouts.ExecutionTimeout", errors);
        ValidateTimeout(task.Timeouts.QueueTimeout, $"{path}.Timeouts.QueueTimeout", errors);
        ValidateTimeout(task.Timeouts.TotalTimeout, $"{path}.Timeouts.TotalTimeout", errors);
    }

    private static void ValidateEngine(SpecConfig engine, string path, List<string> errors)
    {
        if (KnownNames.Problem(engine.Type, "engine", EngineTypes.All) is { } problem)
        {
            errors.Add($"{path}.Type: {problem}");
            return;
        }

        switch (KnownNames.Find(engine.Type, EngineTypes.All))
        {
            case EngineTypes.Docker when !IsText(engine, "Image"):
                errors.Add($"{path}.Params.Image: required for docker tasks: the image to run, such as ubuntu:24.04");
                break;
            // Bacalhau before 1.5 wrote the entry module as an input source mapping; such specs still run.
            case EngineTypes.Wasm when !IsText(engine, "EntryModule")
                && !(engine.TryGetParam("EntryModule", out var module) && module.ValueKind == JsonValueKind.Object):
                errors.Add($"{path}.Params.EntryModule: required for wasm tasks: the path of the module to run, or a legacy input source mapping");
                break;
            case EngineTypes.Wasm:
                ValidateWasmModules(engine, path, errors);
                break;
        }
    }

    /// <summary>Module references name staged files, and legacy mappings are inputs: both obey the input rules.</summary>
    private static void ValidateWasmModules(SpecConfig engine, string path, List<string> errors)
    {
        if (engine.TryGetParam("EntryModule", out var entry))
        {
            ValidateModule(entry, $"{path}.Params.EntryModule", errors);
        }

        if (engine.TryGetParam("ImportModules", out var imports) && imports.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var import in imports.EnumerateArray())
            {
                ValidateModule(import, $"{path}.Params.ImportModules[{i++}]", errors);
            }
        }
    }

    private static void ValidateModule(JsonElement module, string path, List<string> errors)
    {
        switch (module.ValueKind)
        {
            case JsonValueKind.String:
                AddProblem(errors, path, SandboxPaths.ReferenceProblem(module.GetString()!));
                break;
            case JsonValueKind.Object:
                InputSource? mapping;
                try
                {
                    mapping = module.Deserialize(BacalhauJsonContext.Default.InputSource);
                }
                catch (JsonException)
                {
                    mapping = null;
                }

                if (mapping is null)
                {
                    errors.Add($"{path}: not an input source mapping");
                    break;
                }

                // A legacy mapping may leave its target out: the module is then staged under a name of the node's choosing.
                if (mapping.Target.Length > 0)
                {
                    AddProblem(errors, $"{path}.Target", SandboxPaths.ContainerPathProblem(mapping.Target));
                }

                AddProblem(errors, $"{path}.Alias", SandboxPaths.AliasProblem(mapping.Alias));
                break;
        }
    }

    /// <summary>
    /// HTTP networking means HTTP(S) to the listed domains only. Nothing here can enforce that filter, and giving such a
    /// job the host's network instead would hand it more than it asked for: it is refused.
    /// </summary>
    private static void ValidateNetwork(NetworkConfig network, string path, List<string> errors)
    {
        // No type means None.
        var typeProblem = string.IsNullOrWhiteSpace(network.Type) ? null
            : KnownNames.Problem(network.Type, "network type", NetworkTypes.All)
            ?? (KnownNames.Find(network.Type, NetworkTypes.All) == NetworkTypes.Http ? HttpNetworkRefusal : null);
        if (typeProblem is not null)
        {
            errors.Add($"{path}.Type: {typeProblem}");
        }
        else if (network.Domains is { Count: > 0 })
        {
            errors.Add($"{path}.Domains: only HTTP networking takes domains");
        }
    }

    private static bool IsText(SpecConfig config, string param) =>
        config.TryGetParam(param, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());

    private static void ValidateTimeout(long seconds, string path, List<string> errors)
    {
        if (seconds < 0)
        {
            errors.Add($"{path}: must not be negative");
        }
    }

    private static void AddProblem(List<string> errors, string path, string? problem)
    {
        if (problem is not null)
        {
            errors.Add($"{path}: {problem}");
        }
    }
}
