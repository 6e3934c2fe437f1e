using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// Parses label selectors as Bacalhau's <c>--constraints</c> takes them: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists), <c>!k</c>, <c>k&gt;5</c>, <c>k&lt;5</c>; comma-separated.
/// </summary>
internal static partial class SelectorParser
{
    public static List<LabelSelectorRequirement> Parse(string selector)
    {
        var requirements = new List<LabelSelectorRequirement>();
        foreach (var term in SplitTerms(selector))
        {
            requirements.Add(ParseTerm(term));
        }

        return requirements;
    }

    private static LabelSelectorRequirement ParseTerm(string term)
    {
        var set = SetTerm().Match(term);
        if (set.Success)
        {
            var values = set.Groups["values"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            return new LabelSelectorRequirement { Key = set.Groups["key"].Value, Operator = set.Groups["op"].Value.ToLowerInvariant(), Values = values };
        }

        var binary = BinaryTerm().Match(term);
        if (binary.Success)
        {
            var op = binary.Groups["op"].Value switch
            {
                ">" => "gt",
                "<" => "lt",
                var other => other,
            };
            return new LabelSelectorRequirement { Key = binary.Groups["key"].Value, Operator = op, Values = [binary.Groups["value"].Value.Trim()] };
        }

        var exists = ExistsTerm().Match(term);
        if (exists.Success)
        {
            return new LabelSelectorRequirement { Key = exists.Groups["key"].Value, Operator = exists.Groups["not"].Success ? "!" : "exists" };
        }

        throw new CliException($"invalid constraint '{term}': expected key=value, key!=value, key in (a,b), key notin (a,b), key, !key, key>n or key<n");
    }

    /// <summary>Splits on commas outside parentheses, so <c>k in (a,b)</c> stays one term.</summary>
    private static IEnumerable<string> SplitTerms(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                var term = selector[start..i].Trim();
                if (term.Length > 0)
                {
                    yield return term;
                }

                start = i + 1;
            }
            else if (selector[i] == '(')
            {
                depth++;
            }
            else if (selector[i] == ')')
            {
                depth--;
            }
        }
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9._/-]+)\s+(?<op>in|notin)\s*\((?<values>[^)]*)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex SetTerm();

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9._/-]+)\s*(?<op>==|!=|=|>|<)\s*(?<value>[^=!<>]*)$")]
    private static partial Regex BinaryTerm();

    [GeneratedRegex(@"^(?<not>!)?\s*(?<key>[A-Za-z0-9._/-]+)$")]
    private static partial Regex ExistsTerm();
}
