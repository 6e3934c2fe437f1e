using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Tests.Scheduling;

/// <summary>Nodes, jobs and executions as the job coordinator hands them to the scheduler.</summary>
internal static class Cluster
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static Resources Capacity(double cpu = 4, long memory = 8L << 30) => new() { CPU = cpu, Memory = memory, Disk = 100L << 30 };

    public static NodeState Node(
        string id,
        string[]? engines = null,
        string[]? publishers = null,
        Dictionary<string, string>? labels = null,
        Resources? capacity = null,
        NodeConnectionStatus status = NodeConnectionStatus.Connected,
        NodeMembership membership = NodeMembership.Approved) => new()
        {
            Info = new NodeInfo
            {
                NodeID = id,
                NodeType = NodeType.Compute,
                Labels = labels ?? [],
                ComputeNodeInfo = new ComputeNodeInfo
                {
                    ExecutionEngines = engines ?? [EngineTypes.Noop],
                    Publishers = publishers ?? [PublisherTypes.Noop],
                    MaxCapacity = capacity ?? Capacity(),
                },
            },
            Membership = membership,
            ConnectionState = new ConnectionState { Status = status },
        };

    public static Job Job(
        string type,
        int count = 1,
        JobStateType state = JobStateType.Pending,
        string engine = EngineTypes.Noop,
        string? publisher = null,
        string cpu = "",
        string memory = "",
        long queueTimeoutSeconds = 0,
        DateTimeOffset? modified = null,
        params LabelSelectorRequirement[] constraints) => new()
        {
            ID = "j-1",
            Name = "j-1",
            Type = type,
            Count = count,
            Constraints = [.. constraints],
            Tasks =
            [
                new JobTask
                {
                    Name = "main",
                    Engine = new SpecConfig { Type = engine },
                    Publisher = publisher is null ? null : new SpecConfig { Type = publisher },
                    Resources = new ResourcesConfig { CPU = cpu, Memory = memory },
                    Timeouts = new TimeoutConfig { QueueTimeout = queueTimeoutSeconds },
                },
            ],
            State = new State<JobStateType>(state),
            ModifyTime = UnixNanos.From(modified ?? Now),
        };

    public static LabelSelectorRequirement Constraint(string key, string op, params string[] values) => new() { Key = key, Operator = op, Values = [.. values] };

    /// <summary>An attempt of <paramref name="job"/> on <paramref name="nodeId"/>; later attempts of a test get later times.</summary>
    public static Execution Execution(Job job, string nodeId, ExecutionStateType state, int partition = 0, string message = "", int minute = 0) => new()
    {
        ID = $"e-{nodeId}-{partition}-{minute}-{state}",
        JobID = job.ID,
        Job = job,
        NodeID = nodeId,
        PartitionIndex = partition,
        DesiredState = new State<ExecutionDesiredStateType>(state.IsTerminal() ? ExecutionDesiredStateType.Stopped : ExecutionDesiredStateType.Running),
        ComputeState = new State<ExecutionStateType>(state, message),
        CreateTime = UnixNanos.From(Now.AddMinutes(minute)),
        ModifyTime = UnixNanos.From(Now.AddMinutes(minute)),
    };
}
