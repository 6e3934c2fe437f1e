using System.Diagnostics.CodeAnalysis;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;

namespace Bacalhau.Orchestrator.Api;

/// <summary>The <c>labels</c> parameter of the job and node lists: Bacalhau's label selectors, read and bounded.</summary>
internal static class LabelSelectors
{
    private const int MaxLength = 4096;
    private const int MaxRequirements = 64;

    /// <summary>The requirements of every <paramref name="labels"/> value together; none when there is none.</summary>
    public static bool TryRead(string[]? labels, out IReadOnlyList<LabelSelectorRequirement> selector, [NotNullWhen(false)] out string? error)
    {
        selector = [];
        error = null;
        if (labels is null or [])
        {
            return true;
        }

        if (labels.Sum(l => l.Length) > MaxLength)
        {
            error = $"labels: at most {MaxLength} characters in all";
            return false;
        }

        try
        {
            var requirements = labels.SelectMany(LabelSelector.Parse).ToList();
            if (requirements.Count > MaxRequirements)
            {
                error = $"labels: at most {MaxRequirements} requirements, got {requirements.Count}";
                return false;
            }

            selector = requirements;
            return true;
        }
        catch (FormatException ex)
        {
            error = $"labels: {ex.Message}";
            return false;
        }
    }
}
