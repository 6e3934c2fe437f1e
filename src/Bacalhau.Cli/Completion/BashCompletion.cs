using System.Text;

namespace Bacalhau.Cli.Completion;

/// <summary>
/// The bash script: the words typed so far give the command path, the path gives its subcommands, or its options once
/// a dash is typed; otherwise (a command's file or ID argument) bash completes file names.
/// </summary>
internal static class BashCompletion
{
    public static string Script(IReadOnlyList<CompletionNode> nodes)
    {
        var text = new StringBuilder();
        text.Append("""
            # bash completion for bacalhau; load it with: source <(bacalhau completion bash)
            _bacalhau()
            {
                local cur="${COMP_WORDS[COMP_CWORD]}" cmdpath="" candidate i subcommands="" options=""
                for ((i = 1; i < COMP_CWORD; i++)); do
                    candidate="$cmdpath/${COMP_WORDS[i]}"
                    case "$candidate" in

            """);
        text.Append("        ").AppendJoin('|', nodes.Where(n => n.Path.Length > 0).Select(n => n.Path)).Append(") cmdpath=\"$candidate\" ;;\n");
        text.Append("""
                    esac
                done
                case "$cmdpath" in

            """);
        foreach (var node in nodes)
        {
            text.Append($"    \"{node.Path}\") subcommands=\"{string.Join(' ', node.Subcommands)}\" options=\"{string.Join(' ', node.Options)}\" ;;\n");
        }

        text.Append("""
                esac
                if [[ "$cur" == -* ]]; then
                    COMPREPLY=($(compgen -W "$options" -- "$cur"))
                else
                    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
                fi
            }
            complete -o default -F _bacalhau bacalhau

            """);
        return text.ToString();
    }
}
