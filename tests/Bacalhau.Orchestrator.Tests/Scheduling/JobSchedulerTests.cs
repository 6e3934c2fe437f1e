using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using Microsoft.Extensions.Options;
using static Bacalhau.Orchestrator.Tests.Scheduling.Cluster;

namespace Bacalhau.Orchestrator.Tests.Scheduling;

public sealed class JobSchedulerTests
{
    private const int MaxRetries = 2;

    private static readonly NodeState[] ThreeNodes = [Node("n-1"), Node("n-2"), Node("n-3")];

    // Batch -----------------------------------------------------------------------------------------------------

    [Fact]
    public void A_new_batch_job_gets_one_execution_per_partition_spread_over_the_nodes()
    {
        var plan = Reconcile(Job(JobTypes.Batch, count: 3), [], ThreeNodes);

        Assert.Equal([0, 1, 2], plan.NewExecutions.Select(e => e.PartitionIndex).Order());
        Assert.Equal(["n-1", "n-2", "n-3"], plan.NewExecutions.Select(e => e.NodeID).Order());
        Assert.All(plan.NewExecutions, e => Assert.Equal((ExecutionDesiredStateType.Running, ExecutionStateType.New, "ev-1"), (e.DesiredState.StateType, e.ComputeState.StateType, e.EvalID)));
        Assert.Equal(JobStateType.Running, plan.NewJobState?.StateType);
        Assert.Empty(plan.StoppedExecutions);
    }

    [Fact]
    public void Executions_placed_in_one_decision_take_their_node_s_capacity_for_the_rest_of_it()
    {
        // Three partitions of 3 CPUs, two nodes of 4: one each, and the third waits.
        var plan = Reconcile(Job(JobTypes.Batch, count: 3, cpu: "3"), [], [Node("n-1"), Node("n-2")]);

        Assert.Equal(["n-1", "n-2"], plan.NewExecutions.Select(e => e.NodeID).Order());
        Assert.Equal(JobStateType.Running, plan.NewJobState?.StateType);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MaxRetries)]
    public void A_failed_batch_partition_is_retried_on_another_node_while_within_the_retry_limit(int failures)
    {
        var job = Job(JobTypes.Batch, state: failures == 0 ? JobStateType.Pending : JobStateType.Running);
        var attempts = Enumerable.Range(0, failures).Select(i => Execution(job, "n-1", ExecutionStateType.Failed, message: $"boom {i + 1}", minute: i)).ToList();

        // n-1, where it failed, is the least loaded: only avoiding it keeps the retry off it.
        var plan = Reconcile(job, attempts, ThreeNodes, otherJobsOn: ["n-2", "n-3"]);

        var retry = Assert.Single(plan.NewExecutions);
        Assert.Equal(0, retry.PartitionIndex);
        Assert.Equal(failures == 0 ? "" : attempts[^1].ID, retry.PreviousExecution);
        if (failures > 0)
        {
            Assert.NotEqual("n-1", retry.NodeID);
            Assert.Null(plan.NewJobState);
        }
    }

    [Theory]
    [InlineData(MaxRetries + 1)]
    [InlineData(MaxRetries + 3)]
    public void A_batch_partition_that_failed_more_often_than_the_retry_limit_fails_the_job_with_its_last_error(int failures)
    {
        var job = Job(JobTypes.Batch, count: 2, state: JobStateType.Running);
        List<Execution> executions =
        [
            .. Enumerable.Range(0, failures).Select(i => Execution(job, $"n-{(i % 3) + 1}", ExecutionStateType.Failed, message: $"boom {i + 1}", minute: i)),
            Execution(job, "n-2", ExecutionStateType.Running, partition: 1),
        ];

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Equal(JobStateType.Failed, plan.NewJobState?.StateType);
        Assert.Equal($"partition 0 failed {failures} time(s); last error: boom {failures}", plan.NewJobState?.Message);
        Assert.Empty(plan.NewExecutions);
        var (stopped, reason) = Assert.Single(plan.StoppedExecutions);
        Assert.Equal((1, ExecutionStateType.Running), (stopped.PartitionIndex, stopped.ComputeState.StateType));
        Assert.Equal(plan.NewJobState?.Message, reason);
    }

    [Fact]
    public void Failures_are_counted_per_partition()
    {
        var job = Job(JobTypes.Batch, count: 2, state: JobStateType.Running);
        var executions = Enumerable.Range(0, MaxRetries).SelectMany(i => new[]
        {
            Execution(job, "n-1", ExecutionStateType.Failed, partition: 0, minute: i),
            Execution(job, "n-2", ExecutionStateType.Failed, partition: 1, minute: i),
        }).ToList();

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Null(plan.NewJobState);
        Assert.Equal([0, 1], plan.NewExecutions.Select(e => e.PartitionIndex).Order());
    }

    [Fact]
    public void A_refused_bid_counts_as_a_failed_attempt()
    {
        var job = Job(JobTypes.Batch, state: JobStateType.Running);
        var executions = Enumerable.Range(0, MaxRetries + 1).Select(i => Execution(job, "n-1", ExecutionStateType.BidRejected, message: "no room", minute: i)).ToList();

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Equal(JobStateType.Failed, plan.NewJobState?.StateType);
    }

    [Fact]
    public void A_retry_goes_to_a_node_that_failed_before_when_no_other_can_take_it()
    {
        var job = Job(JobTypes.Batch, state: JobStateType.Running);

        var plan = Reconcile(job, [Execution(job, "n-1", ExecutionStateType.Failed)], [Node("n-1")]);

        Assert.Equal("n-1", Assert.Single(plan.NewExecutions).NodeID);
    }

    [Theory]
    [InlineData(ExecutionStateType.Completed, JobStateType.Completed)]
    [InlineData(ExecutionStateType.Running, null)]
    [InlineData(ExecutionStateType.New, null)]
    public void A_batch_partition_that_completed_or_is_under_way_gets_no_new_execution(ExecutionStateType state, JobStateType? expected)
    {
        var job = Job(JobTypes.Batch, count: 2, state: JobStateType.Running);
        List<Execution> executions =
        [
            Execution(job, "n-1", ExecutionStateType.Completed, partition: 0),
            Execution(job, "n-2", state, partition: 1),
        ];

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Equal(expected, plan.NewJobState?.StateType);
    }

    [Theory]
    [InlineData(0, JobStateType.Completed)]
    [InlineData(1, null)]
    public void A_batch_job_of_many_partitions_completes_when_every_partition_has_completed(int unfinished, JobStateType? expected)
    {
        const int Count = 5_000;
        var job = Job(JobTypes.Batch, count: Count, state: JobStateType.Running);
        var executions = Enumerable.Range(0, Count)
            .Select(p => Execution(job, $"n-{(p % 3) + 1}", p < Count - unfinished ? ExecutionStateType.Completed : ExecutionStateType.Running, partition: p))
            .ToList();

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Equal(expected, plan.NewJobState?.StateType);
    }

    [Theory]
    [InlineData(0, 0, JobScheduler.MaxInFlight)]
    [InlineData(JobScheduler.MaxInFlight - 400, 400, 400)]
    [InlineData(JobScheduler.MaxInFlight, 0, 0)]
    public void A_batch_job_of_more_partitions_than_a_wave_has_at_most_a_wave_under_way(int running, int completed, int placed)
    {
        var job = Job(JobTypes.Batch, count: JobScheduler.MaxInFlight * 3, state: JobStateType.Running);
        var executions = Enumerable.Range(0, running + completed)
            .Select(p => Execution(job, $"n-{(p % 3) + 1}", p < running ? ExecutionStateType.Running : ExecutionStateType.Completed, partition: p))
            .ToList();

        var plan = Reconcile(job, executions, ThreeNodes);

        // The wave goes to the partitions that have none yet, lowest first; the job keeps running, with nothing to wait for.
        Assert.Equal(Enumerable.Range(running + completed, placed), plan.NewExecutions.Select(e => e.PartitionIndex).Order());
        Assert.Null(plan.NewJobState);
    }

    [Fact]
    public void A_partition_that_exhausted_its_retries_fails_the_job_even_after_one_found_no_room()
    {
        // One node with room for one partition of 3 CPUs, taken by partition 0: partition 1 waits, partition 2 failed too often.
        var job = Job(JobTypes.Batch, count: 3, cpu: "3", state: JobStateType.Running);
        List<Execution> executions =
        [
            Execution(job, "n-1", ExecutionStateType.Running, partition: 0),
            .. Enumerable.Range(0, MaxRetries + 1).Select(i => Execution(job, "n-1", ExecutionStateType.Failed, partition: 2, message: $"boom {i + 1}", minute: i)),
        ];

        var plan = Reconcile(job, executions, [Node("n-1")]);

        Assert.Equal(JobStateType.Failed, plan.NewJobState?.StateType);
        Assert.StartsWith("partition 2 failed", plan.NewJobState?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partitions_that_find_no_room_wait_while_the_first_ones_run()
    {
        var job = Job(JobTypes.Batch, count: 4, cpu: "3");

        var plan = Reconcile(job, [], [Node("n-1"), Node("n-2")]);

        Assert.Equal([0, 1], plan.NewExecutions.Select(e => e.PartitionIndex).Order());
        Assert.Equal(JobStateType.Running, plan.NewJobState?.StateType);
    }

    [Fact]
    public void A_job_that_reached_a_terminal_state_stops_its_active_executions_and_starts_none()
    {
        var job = Job(JobTypes.Batch, count: 3, state: JobStateType.Stopped);
        List<Execution> executions =
        [
            Execution(job, "n-1", ExecutionStateType.Running, partition: 0),
            Execution(job, "n-2", ExecutionStateType.Completed, partition: 1),
        ];

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Null(plan.NewJobState);
        var (stopped, reason) = Assert.Single(plan.StoppedExecutions);
        Assert.Equal(executions[0].ID, stopped.ID);
        Assert.Equal("job is Stopped", reason);
    }

    // Queueing (any type) -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(JobTypes.Batch)]
    [InlineData(JobTypes.Service)]
    [InlineData(JobTypes.Ops)]
    [InlineData(JobTypes.Daemon)]
    public void A_job_no_node_can_take_is_queued_with_the_reason(string type)
    {
        var plan = Reconcile(Job(type, engine: EngineTypes.Docker), [], ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Equal(new State<JobStateType>(JobStateType.Queued, "none of the 3 connected node(s) offers the 'docker' engine"), plan.NewJobState);
    }

    [Theory]
    [InlineData(0, 299, null)]
    [InlineData(0, 300, JobStateType.Failed)]
    [InlineData(60, 59, null)]
    [InlineData(60, 60, JobStateType.Failed)]
    public void A_queued_job_fails_once_its_queue_timeout_has_passed(long jobQueueTimeout, int queuedSeconds, JobStateType? expected)
    {
        // The scheduler's default queue timeout here is 300 s; the job's own overrides it.
        var job = Job(JobTypes.Batch, state: JobStateType.Queued, engine: EngineTypes.Docker, queueTimeoutSeconds: jobQueueTimeout, modified: Now);

        var plan = Reconcile(job, [], ThreeNodes, now: Now.AddSeconds(queuedSeconds));

        Assert.Equal(expected, plan.NewJobState?.StateType);
        if (expected is not null)
        {
            Assert.StartsWith($"no node could take the job within its queue timeout of {(jobQueueTimeout > 0 ? jobQueueTimeout : 300)} s: none of the 3", plan.NewJobState?.Message, StringComparison.Ordinal);
        }
    }

    // Service ---------------------------------------------------------------------------------------------------

    [Fact]
    public void A_service_keeps_Count_executions_running()
    {
        var job = Job(JobTypes.Service, count: 2, state: JobStateType.Running);

        var fresh = Reconcile(job, [], ThreeNodes);
        var running = Reconcile(job, [Execution(job, "n-1", ExecutionStateType.Running, 0), Execution(job, "n-2", ExecutionStateType.Running, 1)], ThreeNodes);

        Assert.Equal([0, 1], fresh.NewExecutions.Select(e => e.PartitionIndex).Order());
        Assert.Empty(running.NewExecutions);
        Assert.Null(running.NewJobState);
    }

    [Theory]
    [InlineData(ExecutionStateType.Failed)]
    [InlineData(ExecutionStateType.Completed)]
    [InlineData(ExecutionStateType.Cancelled)]
    public void A_service_execution_that_ended_is_replaced_on_another_node_and_the_job_keeps_running(ExecutionStateType ended)
    {
        var job = Job(JobTypes.Service, count: 2, state: JobStateType.Running);
        List<Execution> executions =
        [
            Execution(job, "n-1", ExecutionStateType.Running, partition: 0),
            Execution(job, "n-2", ended, partition: 1, message: "node n-2 was lost"),
        ];

        // n-2, where it ended, is the least loaded: only avoiding it keeps the replacement off it.
        var plan = Reconcile(job, executions, ThreeNodes, otherJobsOn: ["n-3"]);

        var replacement = Assert.Single(plan.NewExecutions);
        Assert.Equal((1, executions[1].ID), (replacement.PartitionIndex, replacement.PreviousExecution));
        Assert.NotEqual("n-2", replacement.NodeID);
        Assert.Null(plan.NewJobState);
    }

    [Fact]
    public void A_service_partition_that_ended_more_often_than_the_retry_limit_fails_the_job()
    {
        var job = Job(JobTypes.Service, state: JobStateType.Running);
        var executions = Enumerable.Range(0, MaxRetries + 1).Select(i => Execution(job, "n-1", ExecutionStateType.Completed, message: $"exit {i}", minute: i)).ToList();

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Equal(JobStateType.Failed, plan.NewJobState?.StateType);
        Assert.Empty(plan.NewExecutions);
    }

    // Ops -------------------------------------------------------------------------------------------------------

    [Fact]
    public void An_ops_job_runs_once_on_every_matching_node()
    {
        NodeState[] nodes = [Node("n-1", labels: new() { ["zone"] = "eu" }), Node("n-2", labels: new() { ["zone"] = "us" }), Node("n-3", labels: new() { ["zone"] = "eu" })];

        var plan = Reconcile(Job(JobTypes.Ops, count: 1, constraints: Constraint("zone", "=", "eu")), [], nodes);

        Assert.Equal(["n-1", "n-3"], plan.NewExecutions.Select(e => e.NodeID).Order());
        Assert.All(plan.NewExecutions, e => Assert.Equal(0, e.PartitionIndex));
        Assert.Equal(JobStateType.Running, plan.NewJobState?.StateType);
    }

    [Fact]
    public void An_ops_job_that_started_does_not_run_on_a_node_that_joins_later()
    {
        var job = Job(JobTypes.Ops, state: JobStateType.Running);

        var plan = Reconcile(job, [Execution(job, "n-1", ExecutionStateType.Running), Execution(job, "n-2", ExecutionStateType.Completed)], ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Null(plan.NewJobState);
    }

    [Theory]
    [InlineData(ExecutionStateType.Completed, ExecutionStateType.Completed, JobStateType.Completed, "")]
    [InlineData(ExecutionStateType.Completed, ExecutionStateType.Failed, JobStateType.Failed, "1 of 2 execution(s) did not complete; first error: broke on n-2")]
    [InlineData(ExecutionStateType.Completed, ExecutionStateType.Running, null, "")]
    public void An_ops_job_ends_when_every_execution_ended_and_fails_if_any_did_not_complete(ExecutionStateType first, ExecutionStateType second, JobStateType? expected, string message)
    {
        var job = Job(JobTypes.Ops, state: JobStateType.Running);
        List<Execution> executions = [Execution(job, "n-1", first), Execution(job, "n-2", second, message: "broke on n-2")];

        var plan = Reconcile(job, executions, ThreeNodes);

        Assert.Empty(plan.NewExecutions);
        Assert.Equal(expected, plan.NewJobState?.StateType);
        Assert.Equal(message, plan.NewJobState?.Message ?? "");
    }

    // Daemon ----------------------------------------------------------------------------------------------------

    [Fact]
    public void A_daemon_runs_on_every_matching_node_including_nodes_that_join_later()
    {
        NodeState[] first = [Node("n-1", labels: new() { ["role"] = "edge" }), Node("n-2", labels: new() { ["role"] = "core" })];
        var job = Job(JobTypes.Daemon, constraints: Constraint("role", "in", "edge", "gateway"));

        var initial = Reconcile(job, [], first);
        job = job with { State = new State<JobStateType>(JobStateType.Running) };
        var running = initial.NewExecutions.Select(e => e with { ComputeState = new State<ExecutionStateType>(ExecutionStateType.Running) }).ToList();
        var joined = Reconcile(job, running, [.. first, Node("n-3", labels: new() { ["role"] = "gateway" }), Node("n-4")]);

        Assert.Equal("n-1", Assert.Single(initial.NewExecutions).NodeID);
        Assert.Equal(JobStateType.Running, initial.NewJobState?.StateType);
        Assert.Equal("n-3", Assert.Single(joined.NewExecutions).NodeID);
        Assert.Null(joined.NewJobState);
    }

    [Theory]
    [InlineData(new[] { ExecutionStateType.Completed }, false)]
    [InlineData(new[] { ExecutionStateType.Running }, false)]
    [InlineData(new[] { ExecutionStateType.Failed }, true)]
    [InlineData(new[] { ExecutionStateType.Failed, ExecutionStateType.Failed }, true)]
    [InlineData(new[] { ExecutionStateType.Failed, ExecutionStateType.Failed, ExecutionStateType.Failed }, false)]
    [InlineData(new[] { ExecutionStateType.Failed, ExecutionStateType.Completed }, false)]
    public void A_daemon_is_rerun_on_a_node_only_after_a_failure_and_only_up_to_the_retry_limit(ExecutionStateType[] onNode, bool rerun)
    {
        var job = Job(JobTypes.Daemon, state: JobStateType.Running);
        var executions = onNode.Select((state, i) => Execution(job, "n-1", state, minute: i)).ToList();

        var plan = Reconcile(job, executions, [Node("n-1")]);

        Assert.Equal(rerun ? 1 : 0, plan.NewExecutions.Count);
        Assert.NotEqual(JobStateType.Completed, plan.NewJobState?.StateType);
    }

    [Fact]
    public void A_daemon_whose_nodes_all_left_waits_in_the_queue()
    {
        var job = Job(JobTypes.Daemon, state: JobStateType.Running);

        var plan = Reconcile(job, [Execution(job, "n-1", ExecutionStateType.Failed, message: "node n-1 was lost")], [Node("n-1", status: NodeConnectionStatus.Disconnected)]);

        Assert.Empty(plan.NewExecutions);
        Assert.Equal(new State<JobStateType>(JobStateType.Queued, "no compute node is connected"), plan.NewJobState);
    }

    /// <summary>One decision; <paramref name="otherJobsOn"/> names nodes running an execution of another job each.</summary>
    private static Plan Reconcile(Job job, IReadOnlyList<Execution> executions, IEnumerable<NodeState> nodes, DateTimeOffset? now = null, string[]? otherJobsOn = null)
    {
        var scheduler = new JobScheduler(Options.Create(new SchedulerOptions { MaxRetries = MaxRetries, QueueTimeout = TimeSpan.FromSeconds(300) }));
        var other = Job(JobTypes.Service) with { ID = "j-other" };
        var active = executions.Where(e => e.IsActive).Concat((otherJobsOn ?? []).Select(node => Execution(other, node, ExecutionStateType.Running)));
        return scheduler.Reconcile(job, executions, new ClusterView(nodes, active), now ?? Now, "ev-1");
    }
}
