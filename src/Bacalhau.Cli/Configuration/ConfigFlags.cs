namespace Bacalhau.Cli.Configuration;

/// <summary>
/// Config keys given directly as flags, as <c>bacalhau serve</c> takes them: <c>--Compute.Orchestrators=t@host:4222</c>
/// or <c>--Orchestrator.Auth.Token x</c>, and Bacalhau's own flags of some (<c>--cluster-peers</c>); a bool key alone
/// means true.
/// </summary>
internal static class ConfigFlags
{
    public static List<(ConfigKey Key, string Value)> Parse(IReadOnlyList<string> tokens)
    {
        var flags = new List<(ConfigKey, string)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                throw new CliException($"unexpected argument '{token}'");
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? token[2..equals] : token[2..];
            var key = ConfigKeys.FindFlag(name)
                ?? ConfigKeys.Get(name, $"unknown flag '--{name}': config keys are given as --Key.Path=value (see `bacalhau config list`)");
            if (equals > 0)
            {
                flags.Add((key, token[(equals + 1)..]));
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                flags.Add((key, tokens[++i]));
            }
            else if (key.Type == ConfigValueType.Bool || !key.Applied)
            {
                flags.Add((key, "true"));
            }
            else
            {
                throw new CliException($"flag '--{key.Name}' needs a value: --{key.Name}=<{key.TypeDescription}>");
            }
        }

        return flags;
    }
}
