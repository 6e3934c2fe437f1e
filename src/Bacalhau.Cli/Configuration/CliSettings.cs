using System.Collections;
using System.Net;
using Bacalhau.Client;
using Bacalhau.Identity.Nodes;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Cli.Configuration;

internal enum ConfigSource
{
    Default,
    File,
    Environment,
    Flag,
}

/// <summary>What the command line says about configuration, before anything is read.</summary>
/// <param name="DataDir">The <c>--data-dir</c> flag.</param>
/// <param name="ConfigArguments">Every <c>-c/--config</c> value: a YAML file, or <c>Key.Path=value</c>.</param>
/// <param name="Flags">Keys set by flags (<c>--api-port</c>, <c>--Compute.Orchestrators=...</c>), in command-line order.</param>
internal sealed record CliSettingsInput(string? DataDir, IReadOnlyList<string> ConfigArguments, IReadOnlyList<(ConfigKey Key, string Value)> Flags);

/// <summary>
/// The configuration of one invocation, with Bacalhau's precedence: flag &gt; environment &gt; config file &gt; default.
/// Clients read single keys from it; <c>serve</c> turns it into one <see cref="IConfiguration"/> in .NET form.
/// </summary>
internal sealed class CliSettings
{
    private readonly Dictionary<ConfigKey, ConfigValue> _file;
    private readonly Dictionary<ConfigKey, ConfigValue> _environment;
    private readonly Dictionary<ConfigKey, ConfigValue> _flags;

    private CliSettings(string dataDir, IReadOnlyList<string> files, Dictionary<ConfigKey, ConfigValue> file, Dictionary<ConfigKey, ConfigValue> environment, Dictionary<ConfigKey, ConfigValue> flags, IReadOnlyList<string> warnings)
    {
        DataDir = dataDir;
        Files = files;
        Warnings = warnings;
        _file = file;
        _environment = environment;
        _flags = flags;
    }

    public string DataDir { get; }

    /// <summary>The file <c>config set</c> writes and <c>serve</c> persists a generated token to.</summary>
    public string ConfigFilePath => Path.Combine(DataDir, ConfigFile.DefaultFileName);

    /// <summary>The config files that were read, lowest precedence first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>One line for each key of Bacalhau's that was set somewhere and that this node does not apply.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public static CliSettings Load(CliSettingsInput input) => Load(input, Environment.GetEnvironmentVariables());

    public static CliSettings Load(CliSettingsInput input, IDictionary environment)
    {
        var flags = new Dictionary<ConfigKey, ConfigValue>();
        var files = new List<string>();
        var warnings = new List<string>();
        void Set(ConfigKey key, string value)
        {
            var parsed = ConfigValue.Parse(key, value);
            if (key.Applied)
            {
                flags[key] = parsed;
            }
            else
            {
                warnings.Add(ConfigKeys.NotAppliedWarning(key));
            }
        }

        foreach (var argument in input.ConfigArguments)
        {
            if (File.Exists(argument))
            {
                files.Add(Path.GetFullPath(argument));
            }
            else if (argument.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals)
            {
                Set(ConfigKeys.Get(argument[..equals]), argument[(equals + 1)..]);
            }
            else
            {
                throw new CliException($"config file '{argument}' not found (a config value is written Key.Path=value)");
            }
        }

        foreach (var (key, value) in input.Flags)
        {
            Set(key, value);
        }

        var dataDir = DataDirectory.Resolve(input.DataDir ?? (flags.TryGetValue(ConfigKeys.DataDir, out var d) ? d.Text : null));
        if (files.Count == 0 && File.Exists(Path.Combine(dataDir, ConfigFile.DefaultFileName)))
        {
            files.Add(Path.Combine(dataDir, ConfigFile.DefaultFileName));
        }

        var fromFiles = new Dictionary<ConfigKey, ConfigValue>();
        foreach (var file in files)
        {
            foreach (var (key, value) in ConfigFile.Load(file).ReadValues(warnings))
            {
                fromFiles[key] = value;
            }
        }

        var fromEnvironment = new Dictionary<ConfigKey, ConfigValue>();
        foreach (var key in ConfigKeys.All.Where(k => k != ConfigKeys.DataDir))
        {
            if (environment[key.EnvironmentName] is string { Length: > 0 } raw)
            {
                try
                {
                    fromEnvironment[key] = ConfigValue.Parse(key, raw);
                }
                catch (CliException ex)
                {
                    throw new CliException($"environment variable {key.EnvironmentName}: {ex.Message}");
                }
            }
        }

        // BACALHAU_ also prefixes variables that are no config (BACALHAU_API_KEY's kin in scripts): only Bacalhau's keys are warned of.
        warnings.AddRange(BacalhauKeys.All
            .Select(name => ConfigKeys.Get(name))
            .Where(key => !key.Applied && environment[key.EnvironmentName] is string { Length: > 0 })
            .Select(ConfigKeys.NotAppliedWarning));

        // The data directory is resolved before anything else (the config file lives in it) and handed on as given.
        var dataDirValue = ConfigValue.Parse(ConfigKeys.DataDir, dataDir);
        if (input.DataDir is not null || flags.ContainsKey(ConfigKeys.DataDir))
        {
            flags[ConfigKeys.DataDir] = dataDirValue;
        }
        else if (environment["BACALHAU_DIR"] is string { Length: > 0 } || environment["BACALHAU_PATH"] is string { Length: > 0 })
        {
            fromEnvironment[ConfigKeys.DataDir] = dataDirValue;
        }

        return new CliSettings(dataDir, files, fromFiles, fromEnvironment, flags, warnings);
    }

    /// <summary>The effective value of <paramref name="key"/> and where it came from; null when unset and without default.</summary>
    public (ConfigValue? Value, ConfigSource Source) Resolve(ConfigKey key) =>
        _flags.TryGetValue(key, out var flag) ? (flag, ConfigSource.Flag)
        : _environment.TryGetValue(key, out var env) ? (env, ConfigSource.Environment)
        : _file.TryGetValue(key, out var file) ? (file, ConfigSource.File)
        : (key.Default is { } fallback && key != ConfigKeys.DataDir ? ConfigValue.Parse(key, fallback) : null, ConfigSource.Default);

    public string? Get(ConfigKey key) => Resolve(key).Value?.Text;

    public bool IsSet(ConfigKey key) => Resolve(key).Source != ConfigSource.Default;

    /// <summary>Sets a value decided at run time (a generated token) with the precedence of a flag.</summary>
    public void Override(ConfigValue value) => _flags[value.Key] = value;

    /// <summary>Where clients find the REST API; a server bound to every interface is reached on loopback.</summary>
    public Uri ApiAddress
    {
        get
        {
            var host = Get(ConfigKeys.ApiHost) is { Length: > 0 } h && h is not ("0.0.0.0" or "::" or "*" or "[::]") ? h : "127.0.0.1";
            var scheme = Get(ConfigKeys.ApiTlsUseTls) == "true" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
            return new UriBuilder(scheme, host, int.Parse(Get(ConfigKeys.ApiPort)!, System.Globalization.CultureInfo.InvariantCulture)).Uri;
        }
    }

    /// <summary>
    /// The client's credentials: <c>API.Auth.APIKey</c> (or <c>BACALHAU_API_KEY</c>), else a username and password,
    /// else the admin key an orchestrator saved in this data dir, sent only to an orchestrator on this host.
    /// </summary>
    public BacalhauClientOptions ClientOptions
    {
        get
        {
            var username = Get(ConfigKeys.ApiUsername);
            var key = Get(ConfigKeys.ApiKey) is { Length: > 0 } configured ? configured
                : username is null && IsLoopback(ApiAddress) ? LocalAdminKey() : null;
            return new BacalhauClientOptions(key, username, Get(ConfigKeys.ApiPassword), Get(ConfigKeys.ApiTlsCaCert));
        }
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.IdnHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The generated admin key of an orchestrator served from this data dir, when this user may read it.</summary>
    private string? LocalAdminKey()
    {
        try
        {
            var path = Path.Combine(DataDir, "orchestrator", AdminApiKey.FileName);
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } key ? key : null : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Adds every layer to <paramref name="builder"/>, lowest first, in .NET form (<c>Compute:Auth:Token</c>); .NET's
    /// own environment form (<c>Compute__Auth__Token</c>) counts as environment too.
    /// </summary>
    public IConfigurationBuilder AddTo(IConfigurationBuilder builder) => builder
        .AddInMemoryCollection(Flatten(_file, _environment, _flags))
        .AddEnvironmentVariables()
        .AddInMemoryCollection(Flatten(_environment, _flags))
        .AddInMemoryCollection(Flatten(_flags));

    /// <summary>
    /// The entries of one layer. A tree set by a higher layer is left out here: .NET merges layers key by key, and
    /// users from a flag must replace the file's users whole, not take their passwords and capabilities index by index.
    /// </summary>
    private static List<KeyValuePair<string, string?>> Flatten(Dictionary<ConfigKey, ConfigValue> values, params Dictionary<ConfigKey, ConfigValue>[] higher) =>
        values.Values
            .Where(v => v.Key.Type != ConfigValueType.Tree || !higher.Any(layer => layer.ContainsKey(v.Key)))
            .SelectMany(v => v.ToConfiguration())
            .ToList();
}
