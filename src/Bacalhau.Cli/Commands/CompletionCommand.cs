using System.CommandLine;
using Bacalhau.Cli.Completion;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau completion bash|zsh|fish</c>: prints a completion script for the command tree.</summary>
internal sealed class CompletionCommand : Command
{
    private static readonly Dictionary<string, Func<IReadOnlyList<CompletionNode>, string>> Shells = new(StringComparer.Ordinal)
    {
        ["bash"] = BashCompletion.Script,
        ["zsh"] = ZshCompletion.Script,
        ["fish"] = FishCompletion.Script,
    };

    public CompletionCommand(GlobalOptions globals)
        : base("completion", "Print a shell completion script: source <(bacalhau completion bash), or zsh; bacalhau completion fish | source")
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish", HelpName = "bash|zsh|fish" };
        Add(shell);
        this.SetAction(globals, async (context, _) =>
        {
            var name = context.Parse.GetRequiredValue(shell);
            var script = Shells.GetValueOrDefault(name) ?? throw new CliException($"unknown shell '{name}': expected bash, zsh or fish");
            await context.Out.WriteAsync(script(CompletionTree.From(context.Parse.RootCommandResult.Command)));
        });
    }
}
