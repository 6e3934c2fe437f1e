using System.Text;

namespace Bacalhau.Cli.Completion;

/// <summary>The fish script, as the bash one: command path from the words typed, then subcommands, options or files.</summary>
internal static class FishCompletion
{
    public static string Script(IReadOnlyList<CompletionNode> nodes)
    {
        var text = new StringBuilder();
        text.Append("""
            # fish completion for bacalhau; load it with: bacalhau completion fish | source
            function __bacalhau_candidates
                set -l tokens (commandline -opc)
                set -e tokens[1]
                set -l cmdpath ''
                for word in $tokens
                    switch "$cmdpath/$word"

            """);
        text.Append("            case ").AppendJoin(' ', nodes.Where(n => n.Path.Length > 0).Select(n => n.Path)).Append('\n');
        text.Append("""
                            set cmdpath "$cmdpath/$word"
                    end
                end
                set -l subs
                set -l opts
                switch "$cmdpath"

            """);
        foreach (var node in nodes)
        {
            text.Append($"        case {(node.Path.Length == 0 ? "''" : node.Path)}\n");
            text.Append("            set ").AppendJoin(' ', node.Subcommands.Prepend("subs")).Append('\n');
            text.Append("            set ").AppendJoin(' ', node.Options.Prepend("opts")).Append('\n');
        }

        text.Append("""
                end
                if string match -q -- '-*' (commandline -ct)
                    printf '%s\n' $opts
                else
                    printf '%s\n' $subs
                end
            end
            complete -c bacalhau -f -n '__bacalhau_candidates | string length -q' -a '(__bacalhau_candidates)'

            """);
        return text.ToString();
    }
}
