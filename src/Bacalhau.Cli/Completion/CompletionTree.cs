using System.CommandLine;

namespace Bacalhau.Cli.Completion;

/// <summary>A command of the tree as a completion script sees it: its path ("" for the root, "/job/run"), the names of its subcommands and its options.</summary>
internal sealed record CompletionNode(string Path, IReadOnlyList<string> Subcommands, IReadOnlyList<string> Options);

/// <summary>The command tree flattened for completion scripts, so that they follow the commands as they are defined.</summary>
internal static class CompletionTree
{
    public static IReadOnlyList<CompletionNode> From(Command root)
    {
        var nodes = new List<CompletionNode>();
        Add(root, "", [], nodes);
        return nodes;
    }

    private static void Add(Command command, string path, IReadOnlyList<Option> inherited, List<CompletionNode> nodes)
    {
        var own = command.Options.Where(o => !o.Hidden).ToList();
        var subcommands = command.Subcommands.Where(c => !c.Hidden && IsWord(c.Name)).ToList();
        var options = inherited.Concat(own)
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(name => name.StartsWith('-') && IsWord(name))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        nodes.Add(new CompletionNode(path, [.. subcommands.Select(c => c.Name)], options));

        // Recursive options (the global flags, --help) hold in every command below.
        IReadOnlyList<Option> passedOn = [.. inherited, .. own.Where(o => o.Recursive)];
        foreach (var subcommand in subcommands)
        {
            Add(subcommand, $"{path}/{subcommand.Name}", passedOn, nodes);
        }
    }

    /// <summary>Letters, digits and dashes only: a name the scripts can hold unquoted (help's "-?" and "/h" are left out).</summary>
    private static bool IsWord(string name) =>
        name.Any(char.IsAsciiLetterOrDigit) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
