using System.Text.Json;

namespace Bacalhau.Core.Models.Jobs;

/// <summary>A job as Bacalhau defines it; times are Unix nanoseconds.</summary>
public sealed record Job
{
    public string ID { get; init; } = "";
    public string Name { get; init; } = "";
    public string Namespace { get; init; } = "default";
    public string Type { get; init; } = JobTypes.Batch;
    public int Priority { get; init; }
    public int Count { get; init; }
    public List<LabelSelectorRequirement> Constraints { get; init; } = [];
    public Dictionary<string, string> Meta { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
    public List<JobTask> Tasks { get; init; } = [];
    public State<JobStateType> State { get; init; } = new(JobStateType.Undefined);
    public ulong Version { get; init; }
    public ulong Revision { get; init; }
    public long CreateTime { get; init; }
    public long ModifyTime { get; init; }
}

/// <summary>A task of a job (Bacalhau runs exactly one per job).</summary>
public sealed record JobTask
{
    public string Name { get; init; } = "";
    public SpecConfig Engine { get; init; } = new();
    public SpecConfig? Publisher { get; init; }
    public Dictionary<string, string> Env { get; init; } = [];
    public Dictionary<string, string> Meta { get; init; } = [];
    public List<InputSource> InputSources { get; init; } = [];
    public List<ResultPath> ResultPaths { get; init; } = [];
    public ResourcesConfig Resources { get; init; } = new();
    public NetworkConfig Network { get; init; } = new();
    public TimeoutConfig Timeouts { get; init; } = new();
}

/// <summary>A typed, parameterised plug-in choice: engine, publisher or storage source.</summary>
public sealed record SpecConfig
{
    public string Type { get; init; } = "";
    public Dictionary<string, JsonElement> Params { get; init; } = [];

    /// <summary>Finds a parameter by name ignoring case, as Bacalhau does; the keys themselves keep the user's spelling.</summary>
    public bool TryGetParam(string name, out JsonElement value)
    {
        foreach (var (key, candidate) in Params)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}

public sealed record InputSource
{
    public SpecConfig Source { get; init; } = new();
    public string Alias { get; init; } = "";
    public string Target { get; init; } = "";
}

public sealed record ResultPath
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
}

/// <summary>Requested resources as the user writes them: CPU "500m" or "2", Memory "1Gb", "512Mi", ...</summary>
public sealed record ResourcesConfig
{
    public string CPU { get; init; } = "";
    public string Memory { get; init; } = "";
    public string Disk { get; init; } = "";
    public string GPU { get; init; } = "";
}

public sealed record NetworkConfig
{
    /// <summary>None (the default), Host, Full or HTTP.</summary>
    public string Type { get; init; } = "";
    public List<string> Domains { get; init; } = [];
}

/// <summary>Timeouts in seconds; 0 means the configured default.</summary>
public sealed record TimeoutConfig
{
    public long ExecutionTimeout { get; init; }
    public long QueueTimeout { get; init; }
    public long TotalTimeout { get; init; }
}

public sealed record LabelSelectorRequirement
{
    public string Key { get; init; } = "";

    /// <summary>=, ==, !=, in, notin, exists, !, gt, lt (Kubernetes selection operators).</summary>
    public string Operator { get; init; } = "";
    public List<string> Values { get; init; } = [];
}
