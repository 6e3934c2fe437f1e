using System.Text.Json.Serialization;

namespace Bacalhau.Core.Models.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobHistoryType>))]
public enum JobHistoryType
{
    Undefined = 0,
    JobLevel,
    ExecutionLevel,
}

/// <summary>One event of a job's life, job-level or about one of its executions.</summary>
public sealed record JobHistory
{
    public JobHistoryType Type { get; init; }
    public string JobID { get; init; } = "";
    public ulong JobVersion { get; init; }
    public string ExecutionID { get; init; } = "";
    public StateChange<JobStateType>? JobState { get; init; }
    public StateChange<ExecutionStateType>? ExecutionState { get; init; }
    public JobEvent Event { get; init; } = new();
    public DateTimeOffset Time { get; init; }
    public ulong SeqNum { get; init; }
}

public sealed record StateChange<T>(T Previous, T New)
    where T : struct, Enum;

public sealed record JobEvent
{
    public string Message { get; init; } = "";
    public string Topic { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
    public Dictionary<string, string>? Details { get; init; }
}
