using System.Globalization;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>Evaluates a job's label constraints against a node's labels, with Kubernetes selection semantics.</summary>
internal static class ConstraintMatcher
{
    public static bool Matches(IReadOnlyList<LabelSelectorRequirement> constraints, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var constraint in constraints)
        {
            if (!Matches(constraint, labels))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(LabelSelectorRequirement constraint, IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(constraint.Key, out var value);
        return constraint.Operator.ToLowerInvariant() switch
        {
            "=" or "==" or "in" => has && constraint.Values.Contains(value!, StringComparer.Ordinal),
            "!=" or "notin" => !has || !constraint.Values.Contains(value!, StringComparer.Ordinal),
            "exists" => has,
            "!" => !has,
            "gt" => has && Compare(value!, constraint.Values) > 0,
            "lt" => has && Compare(value!, constraint.Values) < 0,
            _ => false,
        };
    }

    private static int Compare(string value, List<string> values) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var actual)
        && values.Count == 1
        && long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var bound)
            ? actual.CompareTo(bound)
            : 0;
}
