using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// Which jobs a list holds: those in <see cref="State"/>, carrying the label <see cref="LabelKey"/> (with
/// <see cref="LabelValue"/> when set), whose name contains <see cref="NameContains"/> (ignoring case), in
/// <see cref="Namespace"/>, whose labels satisfy every requirement of <see cref="Selector"/>. Unset parts match every job.
/// </summary>
public sealed record JobFilter(
    JobStateType? State = null,
    string? LabelKey = null,
    string? LabelValue = null,
    string? NameContains = null,
    string? Namespace = null,
    IReadOnlyList<LabelSelectorRequirement>? Selector = null)
{
    public static JobFilter All { get; } = new();

    public bool IsAll => State is null && LabelKey is null && NameContains is null && Namespace is null && Selector is not { Count: > 0 };
}

/// <summary>What a list of jobs is ordered by; the job ID breaks ties.</summary>
public enum JobOrder
{
    CreatedAt,
    ModifiedAt,
    Id,
}
