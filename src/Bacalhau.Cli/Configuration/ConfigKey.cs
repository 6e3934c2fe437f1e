namespace Bacalhau.Cli.Configuration;

internal enum ConfigValueType
{
    String,
    Port,
    Count,
    Bool,
    Duration,
    List,
    Map,
    Tree,

    /// <summary>An amount of a resource or a share of the machine's: <c>2</c>, <c>500m</c>, <c>4Gi</c>, <c>85%</c>.</summary>
    Capacity,

    /// <summary>A job's resource as a job spec writes it: <c>500m</c> cores, <c>1Gi</c>, <c>2</c> GPUs.</summary>
    Resource,

    /// <summary>One of <see cref="ConfigKey.Choices"/>, in any casing.</summary>
    Choice,
}

/// <summary>One known configuration key, named as Bacalhau names it (<c>Compute.Auth.Token</c>).</summary>
internal sealed record ConfigKey(string Name, ConfigValueType Type, string Description, string? Default = null, string? EnvironmentVariable = null)
{
    /// <summary>
    /// The same key in .NET configuration form: <c>Compute:Auth:Token</c>; another key's when this one is Bacalhau's
    /// name for a setting we keep elsewhere (<c>Publishers.Types.Local.Port</c>).
    /// </summary>
    public string ConfigurationPath { get; init; } = Name.Replace('.', ':');

    /// <summary>The values a <see cref="ConfigValueType.Choice"/> key takes.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>
    /// False for a key of Bacalhau's that this node does not apply: accepted wherever keys are, with a warning, and
    /// kept in the config file, but never handed to a node.
    /// </summary>
    public bool Applied { get; init; } = true;

    /// <summary>Bacalhau's environment form: <c>BACALHAU_COMPUTE_AUTH_TOKEN</c>, unless the key has its own name.</summary>
    public string EnvironmentName => EnvironmentVariable ?? "BACALHAU_" + Name.Replace('.', '_').ToUpperInvariant();

    /// <summary>The value is a credential: <c>config list</c> does not print it (<c>config get</c> does, when asked by name).</summary>
    public bool Secret { get; init; }

    /// <summary>Bacalhau's own flag for the key in <c>bacalhau serve</c>, besides <c>--Key.Path</c>: <c>cluster-peers</c>.</summary>
    public string? Flag { get; init; }

    public string[] Segments => Name.Split('.');

    public string TypeDescription => Type switch
    {
        ConfigValueType.Port => "a port number (1-65535)",
        ConfigValueType.Count => "a whole number (0 or more)",
        ConfigValueType.Bool => "true or false",
        ConfigValueType.Duration => "a duration such as 15s, 1m, 1h30m or 00:00:15",
        ConfigValueType.List => "a comma-separated list",
        ConfigValueType.Map => "key=value pairs, comma-separated",
        ConfigValueType.Tree => "YAML (flow style on one line: [{Key: value, List: [a, b]}])",
        ConfigValueType.Capacity => "an amount (2, 500m, 4Gi) or a share of the machine (85%)",
        ConfigValueType.Resource => Segments[^1] switch
        {
            "CPU" => "a number of cores such as 1, 0.5 or 500m",
            "GPU" => "a whole number of GPUs",
            _ => "a size such as 512Mi, 1Gi or 1Gb",
        },
        ConfigValueType.Choice => $"one of {string.Join(", ", Choices)}",
        _ => "a string",
    };
}
