namespace Bacalhau.Core.Models.Jobs;

/// <summary>A request to the scheduler to reconcile a job with the cluster; times are Unix nanoseconds.</summary>
public sealed record Evaluation
{
    public string ID { get; init; } = "";
    public string Namespace { get; init; } = "default";
    public string JobID { get; init; } = "";
    public string TriggeredBy { get; init; } = "";
    public int Priority { get; init; }
    public string Type { get; init; } = "";
    public string Status { get; init; } = EvaluationStatus.Pending;
    public string Comment { get; init; } = "";
    public long WaitUntil { get; init; }
    public long CreateTime { get; init; }
    public long ModifyTime { get; init; }
}

public static class EvaluationStatus
{
    public const string Pending = "pending";
    public const string Complete = "complete";
    public const string Failed = "failed";
}

/// <summary>What caused an evaluation.</summary>
public static class EvaluationTriggers
{
    public const string JobRegister = "job-register";
    public const string JobStop = "job-stop";
    public const string ExecutionUpdate = "exec-update";
    public const string NodeJoin = "node-join";
    public const string NodeLeave = "node-leave";
    public const string RetryFailedExecution = "exec-failure";
    public const string QueueTimeout = "queue-timeout";
}
