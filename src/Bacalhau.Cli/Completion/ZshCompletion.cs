using System.Text;

namespace Bacalhau.Cli.Completion;

/// <summary>The zsh script, as the bash one: command path from the words typed, then subcommands, options or files.</summary>
internal static class ZshCompletion
{
    public static string Script(IReadOnlyList<CompletionNode> nodes)
    {
        // "path" and "options" are zsh's own parameters: the script names its own differently.
        var text = new StringBuilder();
        text.Append("""
            #compdef bacalhau
            # zsh completion for bacalhau; load it with: source <(bacalhau completion zsh)
            _bacalhau() {
                local cmdpath="" candidate
                local -i i
                local -a subs opts
                for ((i = 2; i < CURRENT; i++)); do
                    candidate="$cmdpath/${words[i]}"
                    case "$candidate" in

            """);
        text.Append("        (").AppendJoin('|', nodes.Where(n => n.Path.Length > 0).Select(n => n.Path)).Append(") cmdpath=\"$candidate\" ;;\n");
        text.Append("""
                    esac
                done
                case "$cmdpath" in

            """);
        foreach (var node in nodes)
        {
            var pattern = node.Path.Length == 0 ? "''" : node.Path;
            text.Append($"    ({pattern}) subs=({string.Join(' ', node.Subcommands)}) opts=({string.Join(' ', node.Options)}) ;;\n");
        }

        text.Append("""
                esac
                if [[ "$PREFIX" == -* ]]; then
                    compadd -- $opts
                elif (( ${#subs} )); then
                    compadd -- $subs
                else
                    _files
                fi
            }
            if [[ "${funcstack[1]}" == "_bacalhau" ]]; then
                _bacalhau "$@"
            else
                compdef _bacalhau bacalhau
            fi

            """);
        return text.ToString();
    }
}
