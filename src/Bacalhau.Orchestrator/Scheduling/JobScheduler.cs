using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Storage;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Scheduling;

/// <summary>
/// Reconciles one job with the cluster. batch: Count partitions, each run to completion once, retried on failure;
/// service: Count partitions kept running; ops: once on every matching node; daemon: on every matching node,
/// including nodes that join later. A job no node can take waits up to its queue timeout, then fails with the reason.
/// Only executions of the job's current version count; an update or rerun stops those of earlier ones.
/// </summary>
public sealed class JobScheduler(IOptions<SchedulerOptions> options)
{
    /// <summary>
    /// The most executions of one batch job placed and not yet ended; the rest of its partitions wait for them. Each
    /// placed one is a message in the outbox and a row in flight, so a job of many partitions is let out in waves.
    /// </summary>
    public const int MaxInFlight = 1000;

    public Plan Reconcile(Job job, IReadOnlyList<Execution> executions, ClusterView cluster, DateTimeOffset now, string evalId)
    {
        var plan = new Plan();
        if (job.State.StateType.IsTerminal())
        {
            StopActive(plan, executions, $"job is {job.State.StateType}");
            return plan;
        }

        // As Bacalhau: executions of an earlier version are stopped, and only those of this version count.
        foreach (var outdated in executions.Where(e => e.JobVersion != job.Version && e.IsActive))
        {
            plan.StoppedExecutions.Add((outdated, $"job updated to version {job.Version}"));
        }

        executions = [.. executions.Where(e => e.JobVersion == job.Version)];
        var requested = RequestedResources.Of(job.Tasks[0]);
        var candidates = NodeSelector.Matching(job, requested, cluster, out var noNodeReason);
        string? unplaced = null;
        var completedPartitions = 0;
        switch (job.Type)
        {
            case JobTypes.Ops:
                if (executions.Count == 0)
                {
                    foreach (var node in candidates)
                    {
                        plan.NewExecutions.Add(NewExecution(job, node.Info.NodeID, 0, requested, now, evalId, cluster));
                    }

                    unplaced = candidates.Count == 0 ? noNodeReason : null;
                }

                break;
            case JobTypes.Daemon:
                foreach (var node in candidates)
                {
                    // A daemon that finished on a node is done there; one that failed is retried a bounded number of times.
                    var onNode = executions.Where(e => e.NodeID == node.Info.NodeID).ToList();
                    if (!onNode.Any(e => e.IsActive || e.ComputeState.StateType == ExecutionStateType.Completed) && onNode.Count <= options.Value.MaxRetries)
                    {
                        plan.NewExecutions.Add(NewExecution(job, node.Info.NodeID, 0, requested, now, evalId, cluster));
                    }
                }

                unplaced = candidates.Count == 0 && !executions.Any(e => e.IsActive) ? noNodeReason : null;
                break;
            default:
                var partitions = PartitionSummary.Of(job, executions);
                completedPartitions = partitions.Completed;
                var room = job.Type == JobTypes.Batch ? MaxInFlight - partitions.Active : int.MaxValue;
                for (var partition = 0; partition < partitions.Count; partition++)
                {
                    if (partitions.IsSettled(partition))
                    {
                        continue;
                    }

                    // Neither under way nor (batch) completed: every earlier attempt of the partition failed.
                    var failed = partitions.AttemptsOf(partition);
                    if (failed.Count > options.Value.MaxRetries)
                    {
                        var last = failed.MaxBy(e => e.ModifyTime)!;
                        return Fail(plan, executions, $"partition {partition} failed {failed.Count} time(s); last error: {last.ComputeState.Message}");
                    }

                    if (plan.NewExecutions.Count >= room)
                    {
                        // The wave is full: the partition waits for one under way to end, which plans the job again.
                        continue;
                    }

                    // Every partition asks for the same resources: once none fits, the rest need not be tried.
                    if (unplaced is not null || !TryPlace(plan, job, partition, failed, candidates, requested, now, evalId, cluster))
                    {
                        unplaced ??= noNodeReason ?? $"none of the {candidates.Count} matching node(s) has free capacity left for partition {partition}";
                    }
                }

                break;
        }

        plan.NewJobState = NextJobState(job, executions, plan, unplaced, completedPartitions, now);
        if (plan.NewJobState?.StateType.IsTerminal() == true)
        {
            StopActive(plan, executions, plan.NewJobState.Message);
            plan.NewExecutions.Clear();
        }

        return plan;
    }

    /// <summary>
    /// What <see cref="Reconcile"/> plans for a running batch job whose placed partitions, those below
    /// <see cref="ExecutionTally.NextPartition"/>, are all under way or completed (none ended otherwise): the partitions
    /// never placed, in order, as far as the wave and the nodes' room allow. It reads the tally, not the executions, so a
    /// job of many partitions tops up its wave at the cost of the placements alone.
    /// </summary>
    public static Plan PlaceUnstartedPartitions(Job job, ExecutionTally tally, ClusterView cluster, DateTimeOffset now, string evalId)
    {
        var plan = new Plan();
        var requested = RequestedResources.Of(job.Tasks[0]);
        var candidates = NodeSelector.Matching(job, requested, cluster, out _);
        var room = MaxInFlight - tally.Active;
        for (var partition = tally.NextPartition; partition < job.Count && plan.NewExecutions.Count < room; partition++)
        {
            if (!TryPlace(plan, job, partition, [], candidates, requested, now, evalId, cluster))
            {
                break;
            }
        }

        return plan;
    }

    // completedPartitions: for a batch job, how many of its partitions have a completed execution.
    private State<JobStateType>? NextJobState(Job job, IReadOnlyList<Execution> executions, Plan plan, string? unplaced, int completedPartitions, DateTimeOffset now)
    {
        var current = job.State.StateType;
        var anyActive = plan.NewExecutions.Count > 0 || executions.Any(e => e.IsActive);
        switch (job.Type)
        {
            case JobTypes.Batch when completedPartitions == Math.Max(job.Count, 1):
                return new State<JobStateType>(JobStateType.Completed);
            case JobTypes.Ops when executions.Count > 0 && !anyActive:
                var failed = executions.Where(e => e.ComputeState.StateType != ExecutionStateType.Completed).ToList();
                return failed.Count == 0
                    ? new State<JobStateType>(JobStateType.Completed)
                    : new State<JobStateType>(JobStateType.Failed, $"{failed.Count} of {executions.Count} execution(s) did not complete; first error: {failed[0].ComputeState.Message}");
        }

        if (anyActive)
        {
            return current == JobStateType.Running ? null : new State<JobStateType>(JobStateType.Running);
        }

        if (unplaced is null)
        {
            return null;
        }

        if (current != JobStateType.Queued)
        {
            return new State<JobStateType>(JobStateType.Queued, unplaced);
        }

        var timeout = job.Tasks[0].Timeouts.QueueTimeout > 0 ? TimeSpan.FromSeconds(job.Tasks[0].Timeouts.QueueTimeout) : options.Value.QueueTimeout;
        var queuedSince = UnixNanos.ToDateTimeOffset(job.ModifyTime);
        return now - queuedSince >= timeout
            ? new State<JobStateType>(JobStateType.Failed, $"no node could take the job within its queue timeout of {timeout.TotalSeconds:F0} s: {unplaced}")
            : null;
    }

    private static Plan Fail(Plan plan, IReadOnlyList<Execution> executions, string reason)
    {
        plan.NewExecutions.Clear();
        plan.NewJobState = new State<JobStateType>(JobStateType.Failed, reason);
        StopActive(plan, executions, reason);
        return plan;
    }

    private static void StopActive(Plan plan, IReadOnlyList<Execution> executions, string reason)
    {
        foreach (var execution in executions.Where(e => e.IsActive))
        {
            plan.StoppedExecutions.Add((execution, reason));
        }
    }

    /// <summary>
    /// Places <paramref name="partition"/> on the least loaded of <paramref name="candidates"/> with room, avoiding the
    /// nodes its earlier <paramref name="attempts"/> failed on; false when none has room.
    /// </summary>
    private static bool TryPlace(Plan plan, Job job, int partition, IReadOnlyList<Execution> attempts, IReadOnlyList<NodeState> candidates, Resources requested, DateTimeOffset now, string evalId, ClusterView cluster)
    {
        var avoid = attempts.Select(e => e.NodeID).ToHashSet(StringComparer.Ordinal);
        if (NodeSelector.PickLeastLoaded(candidates, requested, cluster, avoid) is not { } node)
        {
            return false;
        }

        plan.NewExecutions.Add(NewExecution(job, node.Info.NodeID, partition, requested, now, evalId, cluster) with
        {
            PreviousExecution = attempts.MaxBy(e => e.CreateTime)?.ID ?? "",
        });
        return true;
    }

    private static Execution NewExecution(Job job, string nodeId, int partition, Resources requested, DateTimeOffset now, string evalId, ClusterView cluster)
    {
        cluster.Place(nodeId, requested);
        var nanos = UnixNanos.From(now);
        return new Execution
        {
            ID = $"e-{Guid.NewGuid():D}",
            Namespace = job.Namespace,
            JobID = job.ID,
            JobVersion = job.Version,
            Job = job,
            Name = job.Name,
            NodeID = nodeId,
            EvalID = evalId,
            AllocatedResources = requested,
            DesiredState = new State<ExecutionDesiredStateType>(ExecutionDesiredStateType.Running),
            ComputeState = new State<ExecutionStateType>(ExecutionStateType.New),
            PartitionIndex = partition,
            CreateTime = nanos,
            ModifyTime = nanos,
        };
    }
}
