using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Upper bounds on the size of every part of a job spec: a spec travels to compute nodes in one NATS message and is
/// stored with every execution, so no field may be as large as a request body allows.
/// </summary>
internal static class JobBounds
{
    public const int MaxNameLength = 256;
    public const int MaxNamespaceLength = 64;
    public const int MaxKeyLength = 256;
    public const int MaxLabelValueLength = 4096;
    public const int MaxEntries = 64;
    public const int MaxConstraintValues = 64;
    public const int MaxEnvEntries = 256;
    public const int MaxEnvValueLength = 32 * 1024;
    public const int MaxPathLength = 4096;
    public const int MaxDomains = 256;
    public const int MaxDomainLength = 253;
    public const int MaxResourceLength = 64;
    // Inline inputs carry whole files (a Wasm module as a data: URL); the message size check bounds them together.
    public const int MaxParamStringLength = 512 * 1024;
    public const int MaxParamListItems = 1024;

    public static void Check(Job job, List<string> errors)
    {
        Length(job.Name, "Name", MaxNameLength, errors);
        Length(job.Namespace, "Namespace", MaxNamespaceLength, errors);
        Map(job.Labels, "Labels", MaxEntries, MaxLabelValueLength, errors);
        Map(job.Meta, "Meta", MaxEntries, MaxLabelValueLength, errors);
        Count(job.Constraints.Count, "Constraints", MaxEntries, errors);
        for (var i = 0; i < Math.Min(job.Constraints.Count, MaxEntries); i++)
        {
            var constraint = job.Constraints[i];
            Length(constraint.Key, $"Constraints[{i}].Key", MaxKeyLength, errors);
            List(constraint.Values, $"Constraints[{i}].Values", MaxConstraintValues, MaxKeyLength, errors);
        }

        // More than one task is refused by the validator; only the first is worth measuring.
        if (job.Tasks.Count > 0)
        {
            CheckTask(job.Tasks[0], "Tasks[0]", errors);
        }
    }

    private static void CheckTask(JobTask task, string path, List<string> errors)
    {
        Length(task.Name, $"{path}.Name", MaxNameLength, errors);
        Config(task.Engine, $"{path}.Engine", errors);
        if (task.Publisher is not null)
        {
            Config(task.Publisher, $"{path}.Publisher", errors);
        }

        Map(task.Env, $"{path}.Env", MaxEnvEntries, MaxEnvValueLength, errors);
        Map(task.Meta, $"{path}.Meta", MaxEntries, MaxLabelValueLength, errors);
        Count(task.InputSources.Count, $"{path}.InputSources", MaxEntries, errors);
        for (var i = 0; i < Math.Min(task.InputSources.Count, MaxEntries); i++)
        {
            var input = task.InputSources[i];
            Config(input.Source, $"{path}.InputSources[{i}].Source", errors);
            Length(input.Alias, $"{path}.InputSources[{i}].Alias", MaxNameLength, errors);
            Length(input.Target, $"{path}.InputSources[{i}].Target", MaxPathLength, errors);
        }

        Count(task.ResultPaths.Count, $"{path}.ResultPaths", MaxEntries, errors);
        for (var i = 0; i < Math.Min(task.ResultPaths.Count, MaxEntries); i++)
        {
            Length(task.ResultPaths[i].Name, $"{path}.ResultPaths[{i}].Name", MaxNameLength, errors);
            Length(task.ResultPaths[i].Path, $"{path}.ResultPaths[{i}].Path", MaxPathLength, errors);
        }

        var resources = task.Resources;
        Length(resources.CPU, $"{path}.Resources.CPU", MaxResourceLength, errors);
        Length(resources.Memory, $"{path}.Resources.Memory", MaxResourceLength, errors);
        Length(resources.Disk, $"{path}.Resources.Disk", MaxResourceLength, errors);
        Length(resources.GPU, $"{path}.Resources.GPU", MaxResourceLength, errors);
        Length(task.Network.Type, $"{path}.Network.Type", MaxResourceLength, errors);
        List(task.Network.Domains, $"{path}.Network.Domains", MaxDomains, MaxDomainLength, errors);
    }

    private static void Config(SpecConfig config, string path, List<string> errors)
    {
        Length(config.Type, $"{path}.Type", MaxNameLength, errors);
        Count(config.Params.Count, $"{path}.Params", MaxEntries, errors);
        foreach (var (key, value) in config.Params.Take(MaxEntries))
        {
            if (key.Length > MaxKeyLength)
            {
                errors.Add($"{path}.Params: a key is longer than {MaxKeyLength} characters (got {key.Length})");
                continue;
            }

            Param(value, $"{path}.Params.{key}", errors);
        }
    }

    // Params are free-form (entrypoints, scripts, module lists); every string and list in them is bounded.
    private static void Param(JsonElement value, string path, List<string> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var length = value.GetString()!.Length;
                if (length > MaxParamStringLength)
                {
                    errors.Add($"{path}: longer than {MaxParamStringLength} characters (got {length})");
                }

                break;
            case JsonValueKind.Array:
                var items = value.GetArrayLength();
                Count(items, path, MaxParamListItems, errors);
                var index = 0;
                foreach (var item in value.EnumerateArray().Take(MaxParamListItems))
                {
                    Param(item, $"{path}[{index++}]", errors);
                }

                break;
            case JsonValueKind.Object:
                var properties = 0;
                foreach (var property in value.EnumerateObject())
                {
                    if (++properties > MaxEntries)
                    {
                        errors.Add($"{path}: more than {MaxEntries} entries");
                        break;
                    }

                    Param(property.Value, $"{path}.{Shown(property.Name)}", errors);
                }

                break;
        }
    }

    private static string Shown(string key) => key.Length > MaxKeyLength ? key[..MaxKeyLength] + "..." : key;

    private static void Map(Dictionary<string, string> map, string path, int maxEntries, int maxValueLength, List<string> errors)
    {
        Count(map.Count, path, maxEntries, errors);
        foreach (var (key, value) in map.Take(maxEntries))
        {
            if (key.Length > MaxKeyLength)
            {
                errors.Add($"{path}: key '{key[..32]}...' is longer than {MaxKeyLength} characters (got {key.Length})");
            }
            else
            {
                Length(value, $"{path}.{key}", maxValueLength, errors);
            }
        }
    }

    private static void List(List<string> values, string path, int maxItems, int maxLength, List<string> errors)
    {
        Count(values.Count, path, maxItems, errors);
        for (var i = 0; i < Math.Min(values.Count, maxItems); i++)
        {
            Length(values[i], $"{path}[{i}]", maxLength, errors);
        }
    }

    private static void Count(int count, string path, int max, List<string> errors)
    {
        if (count > max)
        {
            errors.Add($"{path}: at most {max} entries, got {count}");
        }
    }

    private static void Length(string? value, string path, int max, List<string> errors)
    {
        if (value?.Length > max)
        {
            errors.Add($"{path}: longer than {max} characters (got {value.Length})");
        }
    }
}
