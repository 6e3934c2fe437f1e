using System.Globalization;
using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Checks a job against the rules of Bacalhau and of this product; each error names its field as the model
/// spells it (<c>Tasks[0].Engine.Type</c>). Validate after <see cref="JobDefaults.Apply"/>.
/// </summary>
public static partial class JobValidator
{
    /// <summary>
    /// Returns every problem found; an empty list means the job is valid. <paramref name="maxCount"/> is the most
    /// executions one job may ask for.
    /// </summary>
    public static IReadOnlyList<string> Validate(Job job, int maxCount = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(job);
        var errors = new List<string>();
        // An oversized field is reported alone: the other rules quote values, and a huge one must not be echoed back.
        JobBounds.Check(job, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        if (string.IsNullOrWhiteSpace(job.Name))
        {
            errors.Add("Name: required (a job without a name is named after its ID)");
        }

        if (!NamespaceName().IsMatch(job.Namespace))
        {
            errors.Add($"Namespace: '{job.Namespace}' must be letters, digits, '-' and '_' only");
        }

        if (KnownNames.Problem(job.Type, "job type", JobTypes.All) is { } typeProblem)
        {
            errors.Add($"Type: {typeProblem}");
        }

        if (job.Count < 0)
        {
            errors.Add("Count: must not be negative");
        }
        else if (job.Count > maxCount)
        {
            errors.Add($"Count: at most {maxCount} executions per job are allowed here, got {job.Count}");
        }
        else if (job.Count > 1 && KnownNames.Find(job.Type, JobTypes.All) is { } type && JobTypes.RunsOnEveryNode(type))
        {
            errors.Add($"Count: must not be greater than 1 for {type} jobs, which run once on every matching node");
        }

        for (var i = 0; i < job.Constraints.Count; i++)
        {
            ValidateConstraint(job.Constraints[i], $"Constraints[{i}]", errors);
        }

        if (job.Tasks.Count != 1)
        {
            errors.Add($"Tasks: a job needs exactly one task, got {job.Tasks.Count}");
        }

        for (var i = 0; i < job.Tasks.Count; i++)
        {
            TaskValidator.Validate(job.Tasks[i], $"Tasks[{i}]", errors);
        }

        return errors;
    }

    /// <exception cref="JobSpecValidationException">The job breaks one or more rules.</exception>
    public static void ThrowIfInvalid(Job job)
    {
        var errors = Validate(job);
        if (errors.Count > 0)
        {
            throw new JobSpecValidationException(errors);
        }
    }

    private static void ValidateConstraint(LabelSelectorRequirement constraint, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(constraint.Key))
        {
            errors.Add($"{path}.Key: required");
        }

        if (KnownNames.Problem(constraint.Operator, "operator", SelectionOperators.All) is { } problem)
        {
            errors.Add($"{path}.Operator: {problem}");
            return;
        }

        var op = KnownNames.Find(constraint.Operator, SelectionOperators.All);
        var values = constraint.Values.Count;
        var countProblem = op switch
        {
            SelectionOperators.In or SelectionOperators.NotIn when values == 0 => "needs at least one value",
            SelectionOperators.Exists or SelectionOperators.DoesNotExist when values > 0 => $"takes no values, got {values}",
            SelectionOperators.Equal or SelectionOperators.DoubleEqual or SelectionOperators.NotEqual
                or SelectionOperators.GreaterThan or SelectionOperators.LessThan when values != 1 => $"needs exactly one value, got {values}",
            _ => null,
        };
        if (countProblem is not null)
        {
            errors.Add($"{path}.Values: '{op}' {countProblem}");
        }
        else if (op is SelectionOperators.GreaterThan or SelectionOperators.LessThan
            && !long.TryParse(constraint.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            errors.Add($"{path}.Values[0]: '{op}' compares integers, got '{constraint.Values[0]}'");
        }
    }

    // Namespaces become parts of NATS subjects and storage keys.
    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamespaceName();
}
