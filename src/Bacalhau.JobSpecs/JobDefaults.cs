using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>Fills in what a spec may leave out and gives type names their canonical spelling.</summary>
/// <remarks>
/// Apply after the orchestrator has assigned the job ID and before <see cref="JobValidator"/>:
/// a job without a name is named after its ID, as in Bacalhau.
/// </remarks>
public static class JobDefaults
{
    public const string Namespace = "default";
    public const string TaskName = "main";

    public static Job Apply(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var type = string.IsNullOrWhiteSpace(job.Type) ? JobTypes.Batch : KnownNames.Canonical(job.Type, JobTypes.All);
        return job with
        {
            Name = string.IsNullOrWhiteSpace(job.Name) ? job.ID : job.Name,
            Namespace = string.IsNullOrWhiteSpace(job.Namespace) ? Namespace : job.Namespace,
            Type = type,
            // Ops and daemon jobs keep 0, which means every matching node.
            Count = job.Count == 0 && !JobTypes.RunsOnEveryNode(type) ? 1 : job.Count,
            Tasks = [.. job.Tasks.Select(ApplyToTask)],
        };
    }

    private static JobTask ApplyToTask(JobTask task) => task with
    {
        Name = string.IsNullOrWhiteSpace(task.Name) ? TaskName : task.Name,
        Engine = Canonical(task.Engine, EngineTypes.All),
        // A publisher with nothing in it is the same as none: results are not published.
        Publisher = task.Publisher is null || (string.IsNullOrWhiteSpace(task.Publisher.Type) && task.Publisher.Params.Count == 0)
            ? null
            : Canonical(task.Publisher, PublisherTypes.All),
        InputSources = [.. task.InputSources.Select(input => input with { Source = Canonical(input.Source, SourceTypes.All) })],
    };

    private static SpecConfig Canonical(SpecConfig config, IReadOnlyList<string> known) =>
        config with { Type = KnownNames.Canonical(config.Type, known) };
}
