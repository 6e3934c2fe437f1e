using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Jobs;

/// <summary>
/// Bacalhau's <c>JobDefaults</c> section: per job type, what a submitted job gets where it leaves a field out
/// (<c>JobDefaults.Batch.Task.Resources.Memory=1Gi</c>). Only batch and ops jobs have timeouts and publishers, as in Bacalhau.
/// </summary>
public sealed class JobDefaultsOptions
{
    public const string SectionName = "JobDefaults";

    public BatchJobDefaults Batch { get; set; } = new();

    public BatchJobDefaults Ops { get; set; } = new();

    public LongRunningJobDefaults Service { get; set; } = new();

    public LongRunningJobDefaults Daemon { get; set; } = new();

    /// <summary><paramref name="job"/> with the defaults of its type (any casing; none is batch) in every field it leaves empty.</summary>
    public Job Apply(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        (int Priority, Func<JobTask, JobTask> Task)? defaults = job.Type.Trim().ToLowerInvariant() switch
        {
            "" or JobTypes.Batch => (Batch.Priority, Batch.Task.Apply),
            JobTypes.Ops => (Ops.Priority, Ops.Task.Apply),
            JobTypes.Service => (Service.Priority, Service.Task.Apply),
            JobTypes.Daemon => (Daemon.Priority, Daemon.Task.Apply),
            _ => null,
        };
        return defaults is not { } d ? job : job with
        {
            Priority = job.Priority == 0 ? d.Priority : job.Priority,
            Tasks = [.. job.Tasks.Select(d.Task)],
        };
    }
}

public sealed class BatchJobDefaults
{
    public int Priority { get; set; }

    public BatchTaskDefaults Task { get; set; } = new();
}

public sealed class LongRunningJobDefaults
{
    public int Priority { get; set; }

    public TaskResourceDefaults Task { get; set; } = new();
}

/// <summary>What a service or daemon job's task gets: resources only, as in Bacalhau.</summary>
public sealed class TaskResourceDefaults
{
    public ResourcesConfig Resources { get; set; } = new();

    public JobTask Apply(JobTask task) => WithResources(task, Resources);

    internal static JobTask WithResources(JobTask task, ResourcesConfig defaults) => task with
    {
        Resources = new ResourcesConfig
        {
            CPU = Or(task.Resources.CPU, defaults.CPU),
            Memory = Or(task.Resources.Memory, defaults.Memory),
            Disk = Or(task.Resources.Disk, defaults.Disk),
            GPU = Or(task.Resources.GPU, defaults.GPU),
        },
    };

    private static string Or(string given, string fallback) => string.IsNullOrWhiteSpace(given) ? fallback : given;
}

/// <summary>What a batch or ops job's task gets: resources, timeouts and a publisher.</summary>
public sealed class BatchTaskDefaults
{
    public ResourcesConfig Resources { get; set; } = new();

    public TimeoutDefaults Timeouts { get; set; } = new();

    public PublisherDefaults Publisher { get; set; } = new();

    public JobTask Apply(JobTask task) => TaskResourceDefaults.WithResources(task, Resources) with
    {
        Timeouts = task.Timeouts with
        {
            ExecutionTimeout = task.Timeouts.ExecutionTimeout > 0 ? task.Timeouts.ExecutionTimeout : (long)Timeouts.ExecutionTimeout.TotalSeconds,
            TotalTimeout = task.Timeouts.TotalTimeout > 0 ? task.Timeouts.TotalTimeout : (long)Timeouts.TotalTimeout.TotalSeconds,
        },
        Publisher = task.Publisher is { Type.Length: > 0 } || Publisher.Type is not { Length: > 0 } type
            ? task.Publisher
            : new SpecConfig
            {
                Type = type,
                Params = Publisher.Params.ToDictionary(p => p.Key, p => JsonElement.Parse($"\"{JsonEncodedText.Encode(p.Value)}\"")),
            },
    };
}

public sealed class TimeoutDefaults
{
    public TimeSpan ExecutionTimeout { get; set; }

    public TimeSpan TotalTimeout { get; set; }
}

public sealed class PublisherDefaults
{
    public string? Type { get; set; }

    public Dictionary<string, string> Params { get; set; } = [];
}
