using Bacalhau.Contracts.Models.Jobs;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// A label selector as SQL over a stored job's <c>Labels</c>, with the semantics the scheduler's constraint matcher
/// gives nodes (Kubernetes'): <c>!=</c> and <c>notin</c> also match a job without the key. Values are bound, never
/// spliced into the text.
/// </summary>
internal sealed class LabelSelectorSql
{
    private readonly List<(string Name, string Value)> _parameters = [];

    private LabelSelectorSql(string condition) => Condition = condition;

    /// <summary>True when every requirement holds; "1" for none.</summary>
    public string Condition { get; }

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
            var compared = values.Count == 1 ? $"{label} AND CAST(CAST(value AS INTEGER) AS TEXT) = value AND CAST(value AS INTEGER) {{0}} CAST({values[0].Name} AS INTEGER)" : null;
            clauses.Add(requirement.Operator.ToLowerInvariant() switch
            {
                "=" or "==" or "in" => $"EXISTS ({within})",
                "!=" or "notin" => $"NOT EXISTS ({within})",
                "exists" => $"EXISTS ({label})",
                "!" => $"NOT EXISTS ({label})",
                "gt" when compared is not null => $"EXISTS ({string.Format(System.Globalization.CultureInfo.InvariantCulture, compared, ">")})",
                "lt" when compared is not null => $"EXISTS ({string.Format(System.Globalization.CultureInfo.InvariantCulture, compared, "<")})",
                _ => "0",
            });
        }

        var sql = new LabelSelectorSql(clauses.Count == 0 ? "1" : string.Join(" AND ", clauses));
        sql._parameters.AddRange(parameters);
        return sql;
    }

    public void Bind(SqliteParameterCollection parameters)
    {
        foreach (var (name, value) in _parameters)
        {
            parameters.AddWithValue(name, value);
        }
    }
}
