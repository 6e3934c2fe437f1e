using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Label selectors as Bacalhau takes them (Kubernetes syntax), for <c>--constraints</c> and for the <c>labels</c> filter
/// of the lists: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists),
/// <c>!k</c>, <c>k&gt;5</c>, <c>k&lt;5</c>; comma-separated.
/// </summary>
public static partial class LabelSelector
{
    public const string Expected = "expected key=value, key!=value, key in (a,b), key notin (a,b), key, !key, key>n or key<n";

    /// <summary>The requirements of <paramref name="selector"/>; a term that is none throws <see cref="FormatException"/> quoting it.</summary>
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
            if (values.Count == 0)
            {
                throw new FormatException($"'{Shown(term)}': {set.Groups["op"].Value} takes at least one value");
            }

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
            var value = binary.Groups["value"].Value.Trim();
            if (op is "gt" or "lt" && !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException($"'{Shown(term)}': > and < compare with an integer");
            }

            return new LabelSelectorRequirement { Key = binary.Groups["key"].Value, Operator = op, Values = [value] };
        }

        var exists = ExistsTerm().Match(term);
        if (exists.Success)
        {
            return new LabelSelectorRequirement { Key = exists.Groups["key"].Value, Operator = exists.Groups["not"].Success ? "!" : "exists" };
        }

        throw new FormatException($"'{Shown(term)}': {Expected}");
    }

    // A term is quoted back only in part: it may come from a request.
    private static string Shown(string term) => term.Length <= 64 ? term : term[..64] + "...";

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
