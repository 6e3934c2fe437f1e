using Bacalhau.Contracts.Models.Jobs;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// A label selector as SQL over a stored job's <c>Labels</c>, with the semantics the scheduler's constraint matcher
/// gives nodes (Kubernetes'): <c>!=</c> and <c>notin</c> also match a job without the key. Values are bound, never
/// spliced into the text.
/// </summary>
internal sealed class LabelSelectorSql(string condition, IReadOnlyList<(string Name, string Value)> parameters)
{
    /// <summary>True when every requirement holds; "1" for none.</summary>
    public string Condition => condition;

    public static LabelSelectorSql For(IReadOnlyList<LabelSelectorRequirement>? selector)
    {
        var parameters = new List<(string, string)>();
        var clauses = new List<string>();
        for (var i = 0; i < (selector?.Count ?? 0); i++)
        {
            var requirement = selector![i];
            var key = $"$sk{i}";
            parameters.Add((key, requirement.Key));
            var values = requirement.Values.Select((v, j) => (Name: $"$sv{i}_{j}", Value: v)).ToList();
            parameters.AddRange(values);
            var label = $"SELECT 1 FROM json_each(body, '$.Labels') WHERE key = {key}";
            var within = $"{label} AND value IN ({string.Join(", ", values.Select(v => v.Name))})";

            // Integers compared as numbers, as the constraint matcher compares them; the parser allows one value.
            string Compared(string op) =>
                $"EXISTS ({label} AND CAST(CAST(value AS INTEGER) AS TEXT) = value AND CAST(value AS INTEGER) {op} CAST({values[0].Name} AS INTEGER))";

            clauses.Add(requirement.Operator.ToLowerInvariant() switch
            {
                "=" or "==" or "in" => $"EXISTS ({within})",
                "!=" or "notin" => $"NOT EXISTS ({within})",
                "exists" => $"EXISTS ({label})",
                "!" => $"NOT EXISTS ({label})",
                "gt" when values.Count == 1 => Compared(">"),
                "lt" when values.Count == 1 => Compared("<"),
                _ => "0",
            });
        }

        return new LabelSelectorSql(clauses.Count == 0 ? "1" : string.Join(" AND ", clauses), parameters);
    }

    public void Bind(SqliteParameterCollection bound)
    {
        foreach (var (name, value) in parameters)
        {
            bound.AddWithValue(name, value);
        }
    }
}
