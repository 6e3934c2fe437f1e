namespace Bacalhau.Contracts.Models;

/// <summary>What a compute node offers: engines, publishers, storage sources and capacity.</summary>
public sealed record ComputeNodeInfo
{
    public IReadOnlyList<string> ExecutionEngines { get; set; } = [];
    public IReadOnlyList<string> Publishers { get; set; } = [];
    public IReadOnlyList<string> StorageSources { get; set; } = [];
    public Resources MaxCapacity { get; set; } = Resources.Zero;
    public Resources QueueCapacity { get; set; } = Resources.Zero;
    public Resources AvailableCapacity { get; set; } = Resources.Zero;
    public Resources MaxJobRequirements { get; set; } = Resources.Zero;
    public int RunningExecutions { get; set; }
    public int EnqueuedExecutions { get; set; }
}
