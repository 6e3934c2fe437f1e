using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models.Jobs;

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
    public JobHistoryType Type { get; set; }
    public string JobID { get; set; } = "";
    public ulong JobVersion { get; set; }
    public string ExecutionID { get; set; } = "";
    public StateChange<JobStateType>? JobState { get; set; }
    public StateChange<ExecutionStateType>? ExecutionState { get; set; }
    public JobEvent Event { get; set; } = new();
    public DateTimeOffset Time { get; set; }
    public ulong SeqNum { get; set; }
}

public sealed record StateChange<T>(T Previous, T New)
    where T : struct, Enum;

public sealed record JobEvent
{
    public string Message { get; set; } = "";
    public string Topic { get; set; } = "";
    public DateTimeOffset Timestamp { get; set; }
    public Dictionary<string, string>? Details { get; set; }
}
