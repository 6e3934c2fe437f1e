using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Core.Protocol;

// Data-plane messages of NCL v1. Orchestrator → compute on <node>.in.msgs; compute → orchestrator on
// <node>.out.msgs. Each names its execution and job; the receiver acknowledges with an Ack.

/// <summary>Asks a node to bid for an execution; without WaitForApproval an accepted bid starts running at once.</summary>
public sealed record AskForBidRequest
{
    public required Execution Execution { get; init; }
    public bool WaitForApproval { get; init; }
}

public sealed record BidAcceptedRequest
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
}

public sealed record BidRejectedRequest
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
    public string Reason { get; init; } = "";
}

public sealed record CancelExecutionRequest
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
    public string Reason { get; init; } = "";
}

public sealed record BidResult
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
    public bool Accepted { get; init; }
    public string Reason { get; init; } = "";
}

public sealed record RunResult
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
    public SpecConfig? PublishResult { get; init; }
    public RunCommandResult RunCommandResult { get; init; } = new();
}

public sealed record ComputeError
{
    public required string ExecutionID { get; init; }
    public string JobID { get; init; } = "";
    public string Error { get; init; } = "";
}

/// <summary>The receiver's acknowledgement of an ordered message; an empty Error means processed (or a duplicate).</summary>
public sealed record Ack
{
    [System.Text.Json.Serialization.JsonPropertyName("error")]
    public string Error { get; init; } = "";

    [System.Text.Json.Serialization.JsonPropertyName("delay")]
    public long Delay { get; init; }
}
