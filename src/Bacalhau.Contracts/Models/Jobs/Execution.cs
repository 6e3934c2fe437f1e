namespace Bacalhau.Contracts.Models.Jobs;

/// <summary>One placement of a job on one node; times are Unix nanoseconds.</summary>
public sealed record Execution
{
    public string ID { get; set; } = "";
    public string Namespace { get; set; } = "default";
    public string JobID { get; set; } = "";
    public ulong JobVersion { get; set; }
    public Job? Job { get; set; }
    public string Name { get; set; } = "";
    public string NodeID { get; set; } = "";
    public string EvalID { get; set; } = "";
    public Resources AllocatedResources { get; set; } = Resources.Zero;
    public State<ExecutionDesiredStateType> DesiredState { get; set; } = new(ExecutionDesiredStateType.Pending);
    public State<ExecutionStateType> ComputeState { get; set; } = new(ExecutionStateType.New);
    public SpecConfig? PublishedResult { get; set; }
    public RunCommandResult? RunOutput { get; set; }
    public string PreviousExecution { get; set; } = "";
    public string NextExecution { get; set; } = "";
    public string FollowupEvalID { get; set; } = "";
    public int PartitionIndex { get; set; }
    public ulong Revision { get; set; }
    public long CreateTime { get; set; }
    public long ModifyTime { get; set; }

    /// <summary>Still holds, or may yet hold, resources on its node.</summary>
    public bool IsActive => !ComputeState.StateType.IsTerminal() && DesiredState.StateType != ExecutionDesiredStateType.Stopped;
}

public sealed record RunCommandResult
{
    public string Stdout { get; set; } = "";
    public bool StdoutTruncated { get; set; }
    public string Stderr { get; set; } = "";
    public bool StderrTruncated { get; set; }
    public int ExitCode { get; set; }
    public string ErrorMsg { get; set; } = "";
}
