using System.Text;
using System.Text.RegularExpressions;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Fills the placeholders of a job spec file as Bacalhau's <c>job run</c> does with Go's text/template over a map of
/// strings: <c>{{.name}}</c> (also <c>{{ .name }}</c>) is the variable's value, <c>{{- </c> and <c> -}}</c> trim the
/// white space before and after, <c>{{/* ... */}}</c> is a comment and <c>{{"{{"}}</c> (a quoted or back-quoted
/// string) writes the text itself. A variable without a value is an error naming it, as Go's <c>missingkey=error</c>;
/// other template actions (if, range, functions) are refused, not ignored.
/// </summary>
internal static partial class JobTemplate
{
    public static string Render(string text, IReadOnlyDictionary<string, string> variables)
    {
        var output = new StringBuilder(text.Length);
        var at = 0;
        while (true)
        {
            var open = text.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(text, at, text.Length - at);
                return output.ToString();
            }

            var close = text.IndexOf("}}", AfterQuoted(text, open + 2), StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error(text, open, "unclosed action");
            }

            var action = text[(open + 2)..close];
            output.Append(text, at, open - at);
            if (action.StartsWith("- ", StringComparison.Ordinal) || action == "-")
            {
                TrimEnd(output);
                action = action[1..];
            }

            at = close + 2;
            if (action.EndsWith(" -", StringComparison.Ordinal))
            {
                action = action[..^2];
                while (at < text.Length && char.IsWhiteSpace(text[at]))
                {
                    at++;
                }
            }

            output.Append(Evaluate(action.Trim(), variables, text, open));
        }
    }

    /// <summary>Where to look for the end of the action at <paramref name="start"/>: after its string, if it is one, which may hold "}}".</summary>
    private static int AfterQuoted(string text, int start)
    {
        var i = start;
        while (i < text.Length && (text[i] == ' ' || text[i] == '-'))
        {
            i++;
        }

        if (i >= text.Length || text[i] is not ('"' or '`'))
        {
            return start;
        }

        var quote = text[i];
        for (i++; i < text.Length && text[i] != quote; i++)
        {
            if (quote == '"' && text[i] == '\\')
            {
                i++;
            }
        }

        return Math.Min(i + 1, text.Length);
    }

    private static string Evaluate(string action, IReadOnlyDictionary<string, string> variables, string text, int position)
    {
        if (action.StartsWith("/*", StringComparison.Ordinal) && action.EndsWith("*/", StringComparison.Ordinal))
        {
            return "";
        }

        if (Field().Match(action) is { Success: true } field)
        {
            var name = field.Groups["name"].Value;
            return variables.TryGetValue(name, out var value)
                ? value
                : throw Error(text, position, $"map has no entry for key \"{name}\" (set it with --template-vars {name}=value, or --template-envs to take it from the environment)");
        }

        if (action.Length >= 2 && action[0] == '`' && action[^1] == '`' && action.IndexOf('`', 1) == action.Length - 1)
        {
            return action[1..^1];
        }

        if (Quoted().IsMatch(action))
        {
            return Regex.Unescape(action[1..^1]);
        }

        throw Error(text, position, $"unsupported template action '{{{{{(action.Length <= 40 ? action : action[..40] + "...")}}}}}': only {{{{.name}}}} placeholders, comments and quoted strings are rendered");
    }

    private static void TrimEnd(StringBuilder output)
    {
        var end = output.Length;
        while (end > 0 && char.IsWhiteSpace(output[end - 1]))
        {
            end--;
        }

        output.Length = end;
    }

    private static FormatException Error(string text, int position, string message)
    {
        var line = 1 + text.AsSpan(0, position).Count('\n');
        return new FormatException($"template line {line}: {message}");
    }

    // A map key as Go's template reaches it with a dot: an identifier.
    [GeneratedRegex(@"^\.(?<name>[A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex Field();

    // A double-quoted string with Go's (and C#'s) simple escapes.
    [GeneratedRegex(@"^""(?:[^""\\]|\\[\\""nrt])*""$")]
    private static partial Regex Quoted();
}
