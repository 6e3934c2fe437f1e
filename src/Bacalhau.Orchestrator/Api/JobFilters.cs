using System.Diagnostics.CodeAnalysis;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Orchestrator.Api;

/// <summary>The filter parameters of <c>GET /api/v1/orchestrator/jobs</c>, read and checked.</summary>
internal static class JobFilters
{
    /// <summary>As long as a job's name may be; a label key or value is shorter still.</summary>
    private const int MaxLength = 256;

    /// <summary>
    /// <c>state</c>, <c>label</c> (<c>key</c> or <c>key=value</c>), <c>name</c> (a part of it), <c>namespace</c>
    /// (<c>*</c> or none: every namespace) and <c>labels</c>, Bacalhau's label selectors (repeatable, each
    /// comma-separated; every requirement must hold).
    /// </summary>
    public static bool TryRead(string? state, string? label, string? name, string? @namespace, string[]? labels, out JobFilter filter, [NotNullWhen(false)] out string? error)
    {
        filter = JobFilter.All;
        error = null;
        JobStateType? parsedState = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse<JobStateType>(state, ignoreCase: true, out var value) || value == JobStateType.Undefined || !Enum.IsDefined(value) || char.IsDigit(state[0]))
            {
                error = $"state: '{Shown(state)}' is not one of {string.Join(", ", Enum.GetNames<JobStateType>().Skip(1))}";
                return false;
            }

            parsedState = value;
        }

        string? key = null, labelValue = null;
        if (!string.IsNullOrEmpty(label))
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            (key, labelValue) = equals < 0 ? (label, null) : (label[..equals], label[(equals + 1)..]);
            if (key.Length == 0 || label.Length > MaxLength)
            {
                error = $"label: expected key or key=value of at most {MaxLength} characters, got '{Shown(label)}'";
                return false;
            }
        }

        if (name is { Length: > MaxLength })
        {
            error = $"name: at most {MaxLength} characters, got {name.Length}";
            return false;
        }

        if (@namespace is { Length: > MaxLength })
        {
            error = $"namespace: at most {MaxLength} characters, got {@namespace.Length}";
            return false;
        }

        if (!LabelSelectors.TryRead(labels, out var selector, out error))
        {
            return false;
        }

        filter = new JobFilter(
            parsedState,
            key,
            labelValue,
            string.IsNullOrEmpty(name) ? null : name,
            string.IsNullOrEmpty(@namespace) || @namespace == "*" ? null : @namespace,
            selector);
        return true;
    }

    // What a request held is quoted back only in part.
    private static string Shown(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
