namespace Bacalhau.Core.Models;

/// <summary>What a compute node offers: engines, publishers, storage sources and capacity.</summary>
public sealed record ComputeNodeInfo
{
    public IReadOnlyList<string> ExecutionEngines { get; init; } = [];
    public IReadOnlyList<string> Publishers { get; init; } = [];
    public IReadOnlyList<string> StorageSources { get; init; } = [];
    public Resources MaxCapacity { get; init; } = Resources.Zero;
    public Resources QueueCapacity { get; init; } = Resources.Zero;
    public Resources AvailableCapacity { get; init; } = Resources.Zero;
    public Resources MaxJobRequirements { get; init; } = Resources.Zero;
    public int RunningExecutions { get; init; }
    public int EnqueuedExecutions { get; init; }
}
