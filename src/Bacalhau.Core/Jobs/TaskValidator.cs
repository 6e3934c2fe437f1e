using System.Text.Json;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Core.Jobs;

/// <summary>The rules for one task of a job; errors are prefixed with the task's path.</summary>
internal static class TaskValidator
{
    // Plug-ins Bacalhau has that this product leaves out; named so the user learns why the spec is refused.
    private static readonly IReadOnlyList<string> UnsupportedPublishers = ["s3"];
    private static readonly IReadOnlyList<string> UnsupportedSources = ["s3", "ipfs"];

    public static void Validate(JobTask task, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(task.Name))
        {
            errors.Add($"{path}.Name: required");
        }

        ValidateEngine(task.Engine, $"{path}.Engine", errors);
        if (task.Publisher is not null)
        {
            AddProblem(errors, $"{path}.Publisher.Type", KnownNames.Problem(task.Publisher.Type, "publisher", PublisherTypes.All, UnsupportedPublishers));
        }

        for (var i = 0; i < task.InputSources.Count; i++)
        {
            var input = task.InputSources[i];
            AddProblem(errors, $"{path}.InputSources[{i}].Source.Type", KnownNames.Problem(input.Source.Type, "source", SourceTypes.All, UnsupportedSources));
            AddProblem(errors, $"{path}.InputSources[{i}].Target", PathProblem(input.Target));
        }

        var resultNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < task.ResultPaths.Count; i++)
        {
            var result = task.ResultPaths[i];
            var namePath = $"{path}.ResultPaths[{i}].Name";
            if (string.IsNullOrWhiteSpace(result.Name))
            {
                errors.Add($"{namePath}: required");
            }
            else if (!resultNames.Add(result.Name))
            {
                errors.Add($"{namePath}: '{result.Name}' names another result path too; names must be unique");
            }

            AddProblem(errors, $"{path}.ResultPaths[{i}].Path", PathProblem(result.Path));
        }

        if (!ResourceParser.TryParse(task.Resources, out _, out var resourceErrors))
        {
            errors.AddRange(resourceErrors.Select(error => $"{path}.Resources.{error}"));
        }

        if (!string.IsNullOrWhiteSpace(task.Network.Type))
        {
            AddProblem(errors, $"{path}.Network.Type", KnownNames.Problem(task.Network.Type, "network type", NetworkTypes.All));
        }

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
        }
    }

    private static bool IsText(SpecConfig config, string param) =>
        config.TryGetParam(param, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());

    // Paths are inside the execution's container or sandbox, so they are POSIX paths whatever the host.
    private static string? PathProblem(string path) =>
        string.IsNullOrWhiteSpace(path) ? "required"
        : path.StartsWith('/') ? null
        : $"must be an absolute path, got '{path}'";

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
