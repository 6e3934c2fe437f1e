namespace Bacalhau.Core.Models.Jobs;

/// <summary>One placement of a job on one node; times are Unix nanoseconds.</summary>
public sealed record Execution
{
    public string ID { get; init; } = "";
    public string Namespace { get; init; } = "default";
    public string JobID { get; init; } = "";
    public ulong JobVersion { get; init; }
    public Job? Job { get; init; }
    public string Name { get; init; } = "";
    public string NodeID { get; init; } = "";
    public string EvalID { get; init; } = "";
    public Resources AllocatedResources { get; init; } = Resources.Zero;
    public State<ExecutionDesiredStateType> DesiredState { get; init; } = new(ExecutionDesiredStateType.Pending);
    public State<ExecutionStateType> ComputeState { get; init; } = new(ExecutionStateType.New);
    public SpecConfig? PublishedResult { get; init; }
    public RunCommandResult? RunOutput { get; init; }
    public string PreviousExecution { get; init; } = "";
    public string NextExecution { get; init; } = "";
    public string FollowupEvalID { get; init; } = "";
    public int PartitionIndex { get; init; }
    public ulong Revision { get; init; }
    public long CreateTime { get; init; }
    public long ModifyTime { get; init; }

    /// <summary>Still holds, or may yet hold, resources on its node.</summary>
    public bool IsActive => !ComputeState.StateType.IsTerminal() && DesiredState.StateType != ExecutionDesiredStateType.Stopped;
}

public sealed record RunCommandResult
{
    public string Stdout { get; init; } = "";
    public bool StdoutTruncated { get; init; }
    public string Stderr { get; init; } = "";
    public bool StderrTruncated { get; init; }
    public int ExitCode { get; init; }
    public string ErrorMsg { get; init; } = "";
}
