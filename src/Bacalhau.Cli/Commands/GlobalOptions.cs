using System.CommandLine;
using Bacalhau.Cli.Configuration;

namespace Bacalhau.Cli.Commands;

/// <summary>Options every command accepts, as Bacalhau's root flags.</summary>
internal sealed class GlobalOptions
{
    public Option<string[]> Config { get; } = new("--config", "-c")
    {
        Description = "A config file, or a config value as Key.Path=value; repeatable",
        HelpName = "file|Key=value",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> ApiHost { get; } = new("--api-host")
    {
        Description = "Host of the orchestrator's REST API (default 127.0.0.1)",
        Recursive = true,
    };

    public Option<string?> ApiPort { get; } = new("--api-port")
    {
        Description = "Port of the orchestrator's REST API (default 1234); for serve, the port it listens on",
        Recursive = true,
    };

    public Option<bool> ApiTls { get; } = new("--api-tls")
    {
        Description = "Talk https to the orchestrator's REST API (API.TLS.UseTLS)",
        Recursive = true,
    };

    public Option<string?> CaCert { get; } = new("--cacert")
    {
        Description = "PEM file of the CA that signed the orchestrator's certificate (API.TLS.CACert)",
        Recursive = true,
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Data directory (env BACALHAU_DIR or BACALHAU_PATH, default ~/.bacalhau)",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Config);
        root.Add(ApiHost);
        root.Add(ApiPort);
        root.Add(ApiTls);
        root.Add(CaCert);
        root.Add(DataDir);
    }

    /// <summary>The settings of this invocation; <paramref name="flags"/> are further keys set by the command's own flags.</summary>
    public CliSettings LoadSettings(ParseResult parse, IEnumerable<(ConfigKey Key, string Value)>? flags = null)
    {
        var all = new List<(ConfigKey, string)>();
        if (parse.GetValue(ApiHost) is { } host)
        {
            all.Add((ConfigKeys.ApiHost, host));
        }

        if (parse.GetValue(ApiPort) is { } port)
        {
            all.Add((ConfigKeys.ApiPort, port));
        }

        if (parse.GetValue(ApiTls))
        {
            all.Add((ConfigKeys.ApiTlsUseTls, "true"));
        }

        if (parse.GetValue(CaCert) is { } caCert)
        {
            all.Add((ConfigKeys.ApiTlsCaCert, caCert));
        }

        all.AddRange(flags ?? []);
        var settings = CliSettings.Load(new CliSettingsInput(parse.GetValue(DataDir), parse.GetValue(Config) ?? [], all));
        foreach (var warning in settings.Warnings.Distinct(StringComparer.Ordinal))
        {
            parse.InvocationConfiguration.Error.WriteLine($"Warning: {warning}");
        }

        return settings;
    }
}
