namespace Bacalhau.Contracts.Models.Jobs;

/// <summary>A request to the scheduler to reconcile a job with the cluster; times are Unix nanoseconds.</summary>
public sealed record Evaluation
{
    public string ID { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public string JobID { get; set; } = "";
    public string TriggeredBy { get; set; } = "";
    public int Priority { get; set; }
    public string Type { get; set; } = "";
    public string Status { get; set; } = EvaluationStatus.Pending;
    public string Comment { get; set; } = "";
    public long WaitUntil { get; set; }
    public long CreateTime { get; set; }
    public long ModifyTime { get; set; }
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
    public const string JobUpdate = "job-update";
    public const string JobRerun = "job-rerun";
    public const string ExecutionUpdate = "exec-update";
    public const string NodeJoin = "node-join";
    public const string NodeLeave = "node-leave";
    public const string RetryFailedExecution = "exec-failure";
    public const string QueueTimeout = "queue-timeout";
}
