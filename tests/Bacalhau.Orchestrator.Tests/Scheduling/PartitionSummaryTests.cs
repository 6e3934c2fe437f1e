using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using static Bacalhau.Orchestrator.Tests.Scheduling.Cluster;

namespace Bacalhau.Orchestrator.Tests.Scheduling;

public sealed class PartitionSummaryTests
{
    [Fact]
    public void A_batch_partition_is_settled_by_one_under_way_or_one_completed_and_the_attempts_of_the_others_failed()
    {
        var job = Job(JobTypes.Batch, count: 4);
        var failedTwice = new[] { Execution(job, "n-1", ExecutionStateType.Failed, partition: 2), Execution(job, "n-2", ExecutionStateType.BidRejected, partition: 2, minute: 1) };
        Execution[] executions =
        [
            Execution(job, "n-1", ExecutionStateType.Failed, partition: 0),
            Execution(job, "n-2", ExecutionStateType.Completed, partition: 0, minute: 1),
            Execution(job, "n-1", ExecutionStateType.Running, partition: 1),
            .. failedTwice,
            Execution(job, "n-3", ExecutionStateType.Completed, partition: 7),
        ];

        var summary = PartitionSummary.Of(job, executions);

        Assert.Equal(4, summary.Count);
        Assert.Equal([true, true, false, false], Enumerable.Range(0, 4).Select(summary.IsSettled));
        Assert.Equal(failedTwice, summary.AttemptsOf(2));
        Assert.Empty(summary.AttemptsOf(3));
        Assert.Equal(1, summary.Active);
        Assert.Equal(1, summary.Completed);
    }

    [Fact]
    public void A_service_partition_whose_execution_completed_is_not_settled_and_counts_it_as_an_attempt()
    {
        var job = Job(JobTypes.Service);
        var completed = Execution(job, "n-1", ExecutionStateType.Completed);

        var summary = PartitionSummary.Of(job, [completed]);

        Assert.False(summary.IsSettled(0));
        Assert.Equal([completed], summary.AttemptsOf(0));
        Assert.Equal(0, summary.Active);
    }
}
