using System.CommandLine;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Output;
using Bacalhau.Client;

namespace Bacalhau.Cli.Commands;

/// <summary>What a command's action needs: its parse result, the settings, a client and the output streams.</summary>
internal sealed class CommandContext(ParseResult parse, GlobalOptions globals)
{
    private CliSettings? _settings;

    public ParseResult Parse => parse;

    public CliSettings Settings => _settings ??= globals.LoadSettings(parse);

    public TextWriter Out => parse.InvocationConfiguration.Output;

    public TextWriter Error => parse.InvocationConfiguration.Error;

    /// <summary>How <see cref="Out"/> may be styled; output captured by an in-process caller is never a terminal.</summary>
    public ConsoleStyle Style => ReferenceEquals(Out, Console.Out) ? ConsoleStyle.Current : ConsoleStyle.Plain;

    public BacalhauClient CreateClient(TimeSpan? timeout = null) => BacalhauClient.Create(Settings.ApiAddress, timeout, Settings.ClientOptions);

    public OutputWriter Output(OutputOptions options) => new(Out, options.Read(parse), Style);
}

internal static class CommandExtensions
{
    /// <summary>Sets an action that receives a <see cref="CommandContext"/>.</summary>
    public static void SetAction(this Command command, GlobalOptions globals, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => action(new CommandContext(parse, globals), cancellationToken));

    public static void SetAction(this Command command, GlobalOptions globals, Func<CommandContext, CancellationToken, Task> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            await action(new CommandContext(parse, globals), cancellationToken);
            return 0;
        });
}
