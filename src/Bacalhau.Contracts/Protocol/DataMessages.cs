using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Contracts.Protocol;

// Data-plane messages of NCL v1. Orchestrator → compute on <node>.in.msgs; compute → orchestrator on
// <node>.out.msgs. Each names its execution and job; the receiver acknowledges with an Ack.

/// <summary>Asks a node to bid for an execution; without WaitForApproval an accepted bid starts running at once.</summary>
public sealed record AskForBidRequest : IExecutionMessage
{
    public required Execution Execution { get; set; }
    public bool WaitForApproval { get; set; }

    string IExecutionMessage.ExecutionID => Execution.ID;

    string IExecutionMessage.JobID => Execution.JobID;
}

public sealed record BidAcceptedRequest : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
}

public sealed record BidRejectedRequest : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
    public string Reason { get; set; } = "";
}

public sealed record CancelExecutionRequest : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
    public string Reason { get; set; } = "";
}

public sealed record BidResult : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
    public bool Accepted { get; set; }
    public string Reason { get; set; } = "";
}

public sealed record RunResult : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
    public SpecConfig? PublishResult { get; set; }
    public RunCommandResult RunCommandResult { get; set; } = new();
}

public sealed record ComputeError : IExecutionMessage
{
    public required string ExecutionID { get; set; }
    public string JobID { get; set; } = "";
    public string Error { get; set; } = "";
}

/// <summary>The receiver's acknowledgement of an ordered message; an empty Error means processed (or a duplicate).</summary>
public sealed record Ack
{
    [System.Text.Json.Serialization.JsonPropertyName("error")]
    public string Error { get; set; } = "";

    [System.Text.Json.Serialization.JsonPropertyName("delay")]
    public long Delay { get; set; }
}
