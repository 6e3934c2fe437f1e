using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobStateType>))]
public enum JobStateType
{
    Undefined = 0,
    Pending,
    Queued,
    Running,
    Completed,
    Failed,
    Stopped,
}

[JsonConverter(typeof(JsonStringEnumConverter<ExecutionStateType>))]
public enum ExecutionStateType
{
    Undefined = 0,
    New,
    AskForBid,
    AskForBidAccepted,
    AskForBidRejected,
    BidAccepted,
    BidRejected,
    Running,
    Publishing,
    Completed,
    Failed,
    Cancelled,
}

[JsonConverter(typeof(JsonStringEnumConverter<ExecutionDesiredStateType>))]
public enum ExecutionDesiredStateType
{
    Pending = 0,
    Running,
    Stopped,
}

/// <summary>A state with the reason it was entered, as Bacalhau's <c>models.State[T]</c>.</summary>
public sealed record State<T>(T StateType, string Message = "")
    where T : struct, Enum
{
    public IReadOnlyDictionary<string, string>? Details { get; set; }
}

public static class StateExtensions
{
    public static bool IsTerminal(this JobStateType state) => state is JobStateType.Completed or JobStateType.Failed or JobStateType.Stopped;

    public static bool IsTerminal(this ExecutionStateType state) =>
        state is ExecutionStateType.Completed or ExecutionStateType.Failed or ExecutionStateType.Cancelled
            or ExecutionStateType.BidRejected or ExecutionStateType.AskForBidRejected;
}
