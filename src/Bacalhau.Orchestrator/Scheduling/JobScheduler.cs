using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
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
                // Grouped once: a lookup per partition would make a job of many partitions quadratic.
                var byPartition = executions.ToLookup(e => e.PartitionIndex);
                var room = job.Type == JobTypes.Batch ? MaxInFlight - executions.Count(e => e.IsActive) : int.MaxValue;
                for (var partition = 0; partition < Math.Max(job.Count, 1); partition++)
                {
                    var attempts = byPartition[partition].ToList();
                    if ((job.Type == JobTypes.Batch && attempts.Any(e => e.ComputeState.StateType == ExecutionStateType.Completed))
                        || attempts.Any(e => e.IsActive))
                    {
                        continue;
                    }

                    var failed = attempts.Where(e => e.ComputeState.StateType != ExecutionStateType.Completed || job.Type == JobTypes.Service).ToList();
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
                    var avoid = failed.Select(e => e.NodeID).ToHashSet(StringComparer.Ordinal);
                    if (unplaced is null && NodeSelector.PickLeastLoaded(candidates, requested, cluster, avoid) is { } node)
                    {
                        plan.NewExecutions.Add(NewExecution(job, node.Info.NodeID, partition, requested, now, evalId, cluster) with
                        {
                            PreviousExecution = attempts.MaxBy(e => e.CreateTime)?.ID ?? "",
                        });
                    }
                    else
                    {
                        unplaced ??= noNodeReason ?? $"none of the {candidates.Count} matching node(s) has free capacity left for partition {partition}";
                    }
                }

                break;
        }

        plan.NewJobState = NextJobState(job, executions, plan, unplaced, now);
        if (plan.NewJobState?.StateType.IsTerminal() == true)
        {
            StopActive(plan, executions, plan.NewJobState.Message);
            plan.NewExecutions.Clear();
        }

        return plan;
    }

    private State<JobStateType>? NextJobState(Job job, IReadOnlyList<Execution> executions, Plan plan, string? unplaced, DateTimeOffset now)
    {
        var current = job.State.StateType;
        var anyActive = plan.NewExecutions.Count > 0 || executions.Any(e => e.IsActive);
        switch (job.Type)
        {
            case JobTypes.Batch when executions.Where(e => e.ComputeState.StateType == ExecutionStateType.Completed)
                .Select(e => e.PartitionIndex).Distinct().Count(p => p >= 0 && p < Math.Max(job.Count, 1)) == Math.Max(job.Count, 1):
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
