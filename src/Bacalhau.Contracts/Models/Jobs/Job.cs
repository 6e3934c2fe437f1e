using System.Text.Json;

namespace Bacalhau.Contracts.Models.Jobs;

/// <summary>A job as Bacalhau defines it; times are Unix nanoseconds.</summary>
public sealed record Job
{
    public string ID { get; set; } = "";
    public string Name { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public string Type { get; set; } = JobTypes.Batch;
    public int Priority { get; set; }
    public int Count { get; set; }
    public List<LabelSelectorRequirement> Constraints { get; set; } = [];
    public Dictionary<string, string> Meta { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
    public List<JobTask> Tasks { get; set; } = [];
    public State<JobStateType> State { get; set; } = new(JobStateType.Undefined);
    public ulong Version { get; set; }
    public ulong Revision { get; set; }
    public long CreateTime { get; set; }
    public long ModifyTime { get; set; }
}

/// <summary>A task of a job (Bacalhau runs exactly one per job).</summary>
public sealed record JobTask
{
    public string Name { get; set; } = "";
    public SpecConfig Engine { get; set; } = new();
    public SpecConfig? Publisher { get; set; }
    public Dictionary<string, string> Env { get; set; } = [];
    public Dictionary<string, string> Meta { get; set; } = [];
    public List<InputSource> InputSources { get; set; } = [];
    public List<ResultPath> ResultPaths { get; set; } = [];
    public ResourcesConfig Resources { get; set; } = new();
    public NetworkConfig Network { get; set; } = new();
    public TimeoutConfig Timeouts { get; set; } = new();
}

/// <summary>A typed, parameterised plug-in choice: engine, publisher or storage source.</summary>
public sealed record SpecConfig
{
    public string Type { get; set; } = "";
    public Dictionary<string, JsonElement> Params { get; set; } = [];

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
    public SpecConfig Source { get; set; } = new();
    public string Alias { get; set; } = "";
    public string Target { get; set; } = "";
}

public sealed record ResultPath
{
    public string Name { get; set; } = "";
    public string Path { get; set; } = "";
}

/// <summary>Requested resources as the user writes them: CPU "500m" or "2", Memory "1Gb", "512Mi", ...</summary>
public sealed record ResourcesConfig
{
    public string CPU { get; set; } = "";
    public string Memory { get; set; } = "";
    public string Disk { get; set; } = "";
    public string GPU { get; set; } = "";
}

public sealed record NetworkConfig
{
    /// <summary>None (the default), Host, Full or HTTP.</summary>
    public string Type { get; set; } = "";
    public List<string> Domains { get; set; } = [];
}

/// <summary>Timeouts in seconds; 0 means the configured default.</summary>
public sealed record TimeoutConfig
{
    public long ExecutionTimeout { get; set; }
    public long QueueTimeout { get; set; }
    public long TotalTimeout { get; set; }
}

public sealed record LabelSelectorRequirement
{
    public string Key { get; set; } = "";

    /// <summary>=, ==, !=, in, notin, exists, !, gt, lt (Kubernetes selection operators).</summary>
    public string Operator { get; set; } = "";
    public List<string> Values { get; set; } = [];
}
