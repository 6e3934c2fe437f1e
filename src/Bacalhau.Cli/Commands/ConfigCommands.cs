using System.CommandLine;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Formats;
using Bacalhau.Cli.Output;

namespace Bacalhau.Cli.Commands;

/// <summary>One row of <c>config list</c>.</summary>
internal sealed record ConfigEntry(string Key, string? Value, string Source, string Type, string Description);

/// <summary><c>bacalhau config set|get|list</c> over <c>&lt;DataDir&gt;/config.yaml</c>.</summary>
internal sealed class ConfigCommands : Command
{
    public ConfigCommands(GlobalOptions globals)
        : base("config", "Read and write the configuration file")
    {
        Add(Set(globals));
        Add(Get(globals));
        Add(List(globals));
    }

    /// <summary><c>Key=value</c> as one argument, or <c>Key value [value...]</c> (several values make a list).</summary>
    public static ConfigValue ParseAssignment(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0)
        {
            throw new CliException("expected Key=value or Key value");
        }

        var first = arguments[0];
        var equals = first.IndexOf('=', StringComparison.Ordinal);
        var (name, value) = arguments.Count == 1
            ? equals > 0 ? (first[..equals], first[(equals + 1)..]) : throw new CliException($"no value given for '{first}': expected Key=value or Key value")
            : (first, string.Join(',', arguments.Skip(1)));
        return ConfigValue.Parse(ConfigKeys.Get(name), value);
    }

    private static Command Set(GlobalOptions globals)
    {
        var command = new Command("set", "Set a key in the config file: config set Key=value, or config set Key value");
        var arguments = new Argument<string[]>("assignment") { Description = "Key=value, or Key value", Arity = ArgumentArity.OneOrMore };
        command.Add(arguments);
        command.SetAction(globals, (context, _) =>
        {
            var value = ParseAssignment(context.Parse.GetValue(arguments) ?? []);
            var file = ConfigFile.Load(context.Settings.ConfigFilePath);
            file.Set(value);
            file.Save();
            if (!value.Key.Applied)
            {
                context.Error.WriteLine($"Warning: {ConfigKeys.NotAppliedWarning(value.Key)}");
            }

            return Task.CompletedTask;
        });
        return command;
    }

    private static Command Get(GlobalOptions globals)
    {
        var command = new Command("get", "Print the effective value of a key (flag > environment > config file > default)");
        var key = new Argument<string>("key") { Description = "Config key, such as Compute.Auth.Token" };
        command.Add(key);
        command.SetAction(globals, async (context, _) =>
        {
            var configKey = ConfigKeys.Get(context.Parse.GetRequiredValue(key));
            if (!configKey.Applied)
            {
                await context.Error.WriteLineAsync($"Warning: {ConfigKeys.NotAppliedWarning(configKey)}");
            }

            await context.Out.WriteLineAsync(context.Settings.Get(configKey) ?? "");
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", "List every known key with its effective value and where it comes from");
        var output = OutputOptions.Create();
        output.AddTo(command);
        command.SetAction(globals, (context, _) =>
        {
            IReadOnlyList<ConfigEntry> entries = [.. ConfigKeys.All.Select(k =>
            {
                var (value, source) = context.Settings.Resolve(k);
                var text = k == ConfigKeys.DataDir ? context.Settings.DataDir : k.Secret && value is not null ? "<redacted>" : value?.Text;
                return new ConfigEntry(k.Name, text, source.ToString().ToLowerInvariant(), k.Type.ToString().ToLowerInvariant(), k.Description);
            })];
            context.Output(output).Write(entries, CliJsonContext.Default.IReadOnlyListConfigEntry, rows =>
            {
                var table = new Table("KEY", "VALUE", "SOURCE", "DESCRIPTION");
                foreach (var row in rows)
                {
                    table.Add(row.Key, row.Value, row.Source, row.Description);
                }

                return table;
            });
            return Task.CompletedTask;
        });
        return command;
    }
}
