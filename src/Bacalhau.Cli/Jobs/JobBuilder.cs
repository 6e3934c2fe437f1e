using System.Text.Json;
using Bacalhau.Cli.Formats;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>What the flags of <c>docker run</c> and <c>wasm run</c> say about a job, besides its engine.</summary>
internal sealed record JobSettings
{
    public string Name { get; init; } = "";
    public int Count { get; init; } = 1;
    public Dictionary<string, string> Env { get; init; } = [];
    public ResourcesConfig Resources { get; init; } = new();
    public long TimeoutSeconds { get; init; }
    public SpecConfig? Publisher { get; init; }
    public List<InputSource> Inputs { get; init; } = [];
    public List<ResultPath> Outputs { get; init; } = [];
    public List<LabelSelectorRequirement> Constraints { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
}

/// <summary>Builds the one-task batch jobs that <c>docker run</c> and <c>wasm run</c> submit.</summary>
internal static class JobBuilder
{
    public const string TaskName = "main";

    public static Job Docker(string image, IReadOnlyList<string> entrypoint, IReadOnlyList<string> parameters, string? workingDirectory, JobSettings settings)
    {
        var engine = new Dictionary<string, JsonElement> { ["Image"] = Json(image) };
        if (entrypoint.Count > 0)
        {
            engine["Entrypoint"] = Json(entrypoint);
        }

        engine["Parameters"] = Json(parameters);
        if (!string.IsNullOrEmpty(workingDirectory))
        {
            engine["WorkingDirectory"] = Json(workingDirectory);
        }

        return Build(new SpecConfig { Type = EngineTypes.Docker, Params = engine }, [], settings);
    }

    /// <summary>A WASM job whose module arrives as an input source mounted at <c>/&lt;name&gt;</c>.</summary>
    public static Job Wasm(InputSource module, string entrypoint, IReadOnlyList<string> parameters, JobSettings settings)
    {
        var engine = new Dictionary<string, JsonElement>
        {
            ["EntryModule"] = Json(module.Target.TrimStart('/')),
            ["Entrypoint"] = Json(entrypoint),
            ["Parameters"] = Json(parameters),
        };
        return Build(new SpecConfig { Type = EngineTypes.Wasm, Params = engine }, [module], settings);
    }

    /// <summary>The module of <c>wasm run</c>: a local file travels inline, a URL is downloaded by the node.</summary>
    public static InputSource WasmModule(string module)
    {
        if (Uri.TryCreate(module, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            var name = Path.GetFileName(url.AbsolutePath) is { Length: > 0 } n ? n : "module.wasm";
            return Source("urlDownload", "URL", url.ToString(), name);
        }

        if (!File.Exists(module))
        {
            throw new CliException($"WASM module '{module}' not found: give a .wasm file or an http(s) URL");
        }

        var data = "data:application/wasm;base64," + Convert.ToBase64String(File.ReadAllBytes(module));
        return Source("inline", "URL", data, Path.GetFileName(module));
    }

    /// <summary>Parses repeated <c>KEY=VALUE</c> flags (<c>-e</c>, <c>--labels</c>); a value may itself hold commas.</summary>
    public static Dictionary<string, string> ParsePairs(IEnumerable<string> values, string flag)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"invalid {flag} '{value}': expected KEY=VALUE");
            }

            pairs[value[..equals].Trim()] = value[(equals + 1)..];
        }

        return pairs;
    }

    /// <summary>Parses <c>-o name:path</c>: a named result directory of the task.</summary>
    public static ResultPath ParseOutput(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1 || value[colon + 1] != '/')
        {
            throw new CliException($"invalid output '{value}': expected name:/absolute/path");
        }

        return new ResultPath { Name = value[..colon], Path = value[(colon + 1)..] };
    }

    private static Job Build(SpecConfig engine, List<InputSource> inputs, JobSettings settings)
    {
        if (settings.Count < 1)
        {
            throw new CliException($"invalid --count {settings.Count}: a job runs at least once");
        }

        if (settings.TimeoutSeconds < 0)
        {
            throw new CliException($"invalid --timeout {settings.TimeoutSeconds}: seconds may not be negative");
        }

        return new Job
        {
            Name = settings.Name,
            Type = JobTypes.Batch,
            Count = settings.Count,
            Constraints = settings.Constraints,
            Labels = settings.Labels,
            Tasks =
            [
                new JobTask
                {
                    Name = TaskName,
                    Engine = engine,
                    Publisher = settings.Publisher,
                    Env = settings.Env,
                    InputSources = [.. inputs, .. settings.Inputs],
                    ResultPaths = settings.Outputs,
                    Resources = settings.Resources,
                    Timeouts = new TimeoutConfig { ExecutionTimeout = settings.TimeoutSeconds },
                },
            ],
        };
    }

    private static InputSource Source(string type, string parameter, string value, string name) => new()
    {
        Source = new SpecConfig { Type = type, Params = new Dictionary<string, JsonElement> { [parameter] = Json(value) } },
        Target = "/" + name,
    };

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, CliJsonContext.Default.String);

    private static JsonElement Json(IReadOnlyList<string> values) => JsonSerializer.SerializeToElement([.. values], CliJsonContext.Default.ListString);
}
