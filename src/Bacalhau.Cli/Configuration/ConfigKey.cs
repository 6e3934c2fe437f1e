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
}

/// <summary>One known configuration key, named as Bacalhau names it (<c>Compute.Auth.Token</c>).</summary>
internal sealed record ConfigKey(string Name, ConfigValueType Type, string Description, string? Default = null, string? EnvironmentVariable = null)
{
    /// <summary>The same key in .NET configuration form: <c>Compute:Auth:Token</c>.</summary>
    public string ConfigurationPath => Name.Replace('.', ':');

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
        _ => "a string",
    };
}
