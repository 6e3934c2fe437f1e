using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.JobSpecs.Legacy;

/// <summary>
/// Turns a legacy Bacalhau <c>v1beta1</c> job spec (<c>{"Engine": "Docker", "Docker": {...}, "Deal": {...}, ...}</c>, the body
/// of <c>POST /api/v1/run</c>) into a job of today's model. What this product cannot honour is refused by name,
/// never dropped silently; every problem is reported at once.
/// </summary>
/// <remarks>The job still gets its ID, <see cref="JobDefaults"/> and <see cref="JobValidator"/> as any other.</remarks>
public static class LegacySpecTranslator
{
    /// <summary>The one publisher of the legacy endpoint, and its default: results addressed by CID, as IPFS did.</summary>
    public const string IpfsPublisher = "IPFS";

    private static readonly IReadOnlyList<string> Engines = ["Docker", "Noop", "Wasm"];
    private static readonly IReadOnlyList<string> UnsupportedEngines = ["Language", "PythonWasm"];
    private static readonly IReadOnlyList<string> Verifiers = ["Noop"];
    private static readonly IReadOnlyList<string> UnsupportedVerifiers = ["Deterministic"];
    private static readonly IReadOnlyList<string> Publishers = [IpfsPublisher];
    private static readonly IReadOnlyList<string> UnsupportedPublishers = ["Noop", "Estuary", "Filecoin", "S3", "Local"];

    /// <summary>The job a v1beta1 spec asks for, read from its UTF-8 JSON.</summary>
    /// <exception cref="JobSpecException">The text is not a JSON object, or the spec asks for what is not supported.</exception>
    public static Job Translate(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty || JobSpecReader.ParseJson(utf8Json) is not JsonObject root)
        {
            throw new JobSpecException("the body must be a v1beta1 job spec: a JSON object such as {\"Engine\": \"Docker\", \"Docker\": {\"Image\": \"ubuntu\"}}");
        }

        var spec = new LegacyFields(root, "", []);
        var task = new JobTask { Name = JobDefaults.TaskName, Publisher = ReadPublisher(spec) };
        task.Engine = ReadEngine(spec, task);
        ReadVerifier(spec);
        var job = new Job { Type = JobTypes.Batch, Count = ReadDeal(spec), Tasks = [task] };

        if (spec.Object("Resources") is { } resources)
        {
            task.Resources = new ResourcesConfig { CPU = resources.Text("CPU"), Memory = resources.Text("Memory"), Disk = resources.Text("Disk"), GPU = resources.Text("GPU") };
            resources.ReportUnread();
        }

        if (spec.Object("Network") is { } network)
        {
            task.Network = new NetworkConfig { Type = network.Text("Type"), Domains = network.TextList("Domains") };
            network.ReportUnread();
        }

        var timeout = spec.Number("Timeout");
        if (timeout < 0)
        {
            spec.Problem("Timeout", "must not be negative");
        }

        task.Timeouts.ExecutionTimeout = (long)Math.Ceiling(Math.Max(timeout, 0));
        var inputs = spec.Objects("Inputs");
        for (var i = 0; i < inputs.Count; i++)
        {
            if (LegacyStorage.ToInputSource(inputs[i], string.Create(CultureInfo.InvariantCulture, $"/inputs/{i}")) is { } input)
            {
                task.InputSources.Add(input);
            }
        }

        foreach (var output in spec.Objects("Outputs"))
        {
            task.ResultPaths.Add(new ResultPath { Name = output.Text("Name"), Path = output.Text("Path") });
            // Legacy outputs name the storage they were published to; here the task's publisher decides.
            output.Skip("StorageSource", "Metadata");
            output.ReportUnread();
        }

        foreach (var selector in spec.Objects("NodeSelectors"))
        {
            job.Constraints.Add(new LabelSelectorRequirement { Key = selector.Text("Key"), Operator = selector.Text("Operator"), Values = selector.TextList("Values") });
            selector.ReportUnread();
        }

        // Free-form tags of the job; labels are what today's jobs carry them as.
        foreach (var annotation in spec.TextList("Annotations"))
        {
            job.Labels[annotation] = "";
        }

        spec.Skip("DoNotTrack");
        spec.Unsupported("Contexts", "use Inputs");
        spec.Unsupported("Sharding", "jobs are not sharded");
        spec.Unsupported("ExecutionPlan", "a job runs as one task");
        spec.ReportUnread();
        if (spec.Errors.Count > 0)
        {
            throw new JobSpecValidationException(spec.Errors);
        }

        return job;
    }

    private static SpecConfig ReadEngine(LegacyFields spec, JobTask task)
    {
        var engine = spec.Text("Engine");
        // Clients send empty sections of the engines they do not use, as Bacalhau's own client did.
        spec.Skip("Docker", "Wasm", "Language");
        if (KnownNames.Problem(engine, "engine", Engines, UnsupportedEngines) is { } problem)
        {
            spec.Problem("Engine", problem);
            return new SpecConfig();
        }

        return KnownNames.Find(engine, Engines) switch
        {
            "Docker" => spec.Object("Docker") is { } docker ? ReadDocker(docker) : new SpecConfig { Type = EngineTypes.Docker },
            "Wasm" => spec.Object("Wasm") is { } wasm ? ReadWasm(wasm, task) : new SpecConfig { Type = EngineTypes.Wasm },
            _ => new SpecConfig { Type = EngineTypes.Noop },
        };
    }

    private static SpecConfig ReadDocker(LegacyFields docker)
    {
        var engine = new SpecConfig { Type = EngineTypes.Docker };
        AddText(engine, "Image", docker.Text("Image"));
        AddList(engine, "Entrypoint", docker.TextList("Entrypoint"));
        AddList(engine, "Parameters", docker.TextList("Parameters"));
        AddList(engine, "EnvironmentVariables", docker.TextList("EnvironmentVariables"));
        AddText(engine, "WorkingDirectory", docker.Text("WorkingDirectory"));
        docker.ReportUnread();
        return engine;
    }

    private static SpecConfig ReadWasm(LegacyFields wasm, JobTask task)
    {
        var engine = new SpecConfig { Type = EngineTypes.Wasm };
        if (wasm.Object("EntryModule") is { } entry && LegacyStorage.ToInputSource(entry, "/wasm/main.wasm") is { } module)
        {
            engine.Params["EntryModule"] = JsonSerializer.SerializeToElement(module, BacalhauJsonContext.Default.InputSource);
        }

        AddText(engine, "Entrypoint", wasm.Text("EntryPoint"));
        AddList(engine, "Parameters", wasm.TextList("Parameters"));
        var imports = wasm.Objects("ImportModules");
        var importSources = new List<InputSource>();
        for (var i = 0; i < imports.Count; i++)
        {
            if (LegacyStorage.ToInputSource(imports[i], string.Create(CultureInfo.InvariantCulture, $"/wasm/import{i}.wasm")) is { } import)
            {
                importSources.Add(import);
            }
        }

        if (importSources.Count > 0)
        {
            engine.Params["ImportModules"] = JsonSerializer.SerializeToElement(importSources, BacalhauJsonContext.Default.ListInputSource);
        }

        task.Env = wasm.TextMap("EnvironmentVariables");
        wasm.ReportUnread();
        return engine;
    }

    private static void ReadVerifier(LegacyFields spec)
    {
        var verifier = spec.Text("Verifier");
        if (verifier.Length > 0 && KnownNames.Problem(verifier, "verifier", Verifiers, UnsupportedVerifiers) is { } problem)
        {
            spec.Problem("Verifier", problem);
        }
    }

    /// <summary>An empty publisher is IPFS, as in Bacalhau; <c>PublisherSpec</c> wins over <c>Publisher</c>, as it did there.</summary>
    private static SpecConfig ReadPublisher(LegacyFields spec)
    {
        var field = "Publisher";
        var publisher = spec.Text("Publisher");
        if (spec.Object("PublisherSpec") is { } publisherSpec)
        {
            field = publisherSpec.PathOf("Type");
            publisher = publisherSpec.Text("Type");
            publisherSpec.Unsupported("Params", "the IPFS publisher takes no parameters");
            publisherSpec.ReportUnread();
        }

        if (publisher.Length > 0 && KnownNames.Problem(publisher, "publisher", Publishers, UnsupportedPublishers) is { } problem)
        {
            spec.Errors.Add($"{field}: {problem}");
        }

        return new SpecConfig { Type = PublisherTypes.Ipfs };
    }

    private static int ReadDeal(LegacyFields spec)
    {
        if (spec.Object("Deal") is not { } deal)
        {
            return 1;
        }

        var concurrency = deal.Number("Concurrency");
        deal.Unsupported("Confidence", "results are not verified");
        deal.Unsupported("MinBids", "nodes are chosen by the scheduler, not by bids");
        deal.Skip("TargetingMode");
        deal.ReportUnread();
        if (concurrency < 0 || concurrency != Math.Floor(concurrency) || concurrency > int.MaxValue)
        {
            deal.Problem("Concurrency", "must be a whole number of nodes, not negative");
            return 1;
        }

        return concurrency == 0 ? 1 : (int)concurrency;
    }

    private static void AddText(SpecConfig config, string name, string value)
    {
        if (value.Length > 0)
        {
            config.Params[name] = JsonSerializer.SerializeToElement(value, BacalhauJsonContext.Default.String);
        }
    }

    private static void AddList(SpecConfig config, string name, List<string> values)
    {
        if (values.Count > 0)
        {
            config.Params[name] = JsonSerializer.SerializeToElement(values, BacalhauJsonContext.Default.ListString);
        }
    }
}
