using System.Diagnostics;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Jobs;

/// <summary>Batch jobs of many partitions through the coordinator: the results of all but the last plan nothing, the last completes the job.</summary>
public sealed class BatchJobCoordinatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-batch-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    // Unique to this class: the test that counts the coordinator's spans listens to every test's.
    private const string JobId = "j-many-partitions";
    private ulong _seq;

    private readonly MetricRecorder _recorder = new();

    public void Dispose()
    {
        _recorder.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_job_of_many_partitions_runs_until_its_last_result_and_then_completes_once()
    {
        const int Count = 200;
        await using var bed = await SubmitAsync(Job(Count), "n-1", "n-2");
        var executions = bed.Store.GetExecutions(JobId);
        Assert.Equal(Enumerable.Range(0, Count), executions.Select(e => e.PartitionIndex).Order());
        foreach (var execution in executions)
        {
            await ReportAsync(bed, execution.NodeID, MessageTypes.BidResult, new BidResult { ExecutionID = execution.ID, JobID = JobId, Accepted = true }, BacalhauJsonContext.Default.BidResult);
        }

        var running = bed.Store.GetJob(JobId)!;
        Assert.Equal(JobStateType.Running, running.State.StateType);
        var plans = 0;
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source == JobCoordinator.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "schedule" && (string?)activity.GetTagItem(JobTrace.JobIdTag) == JobId)
                {
                    Interlocked.Increment(ref plans);
                }
            },
        })
        {
            ActivitySource.AddActivityListener(listener);
            foreach (var execution in executions.SkipLast(1))
            {
                await ReportAsync(bed, execution.NodeID, MessageTypes.RunResult, new RunResult { ExecutionID = execution.ID, JobID = JobId }, BacalhauJsonContext.Default.RunResult);
            }
        }

        // Every result but the last was recorded without planning the job again: a plan walks all its executions.
        Assert.Equal(0, plans);
        Assert.Equal(running.Revision, bed.Store.GetJob(JobId)!.Revision);
        Assert.Equal(Count, bed.Store.GetExecutions(JobId).Count);
        Assert.Equal(new(1, Count - 1, 0, Count), bed.Store.TallyExecutions(JobId, running.Version));

        var last = executions[^1];
        await ReportAsync(bed, last.NodeID, MessageTypes.RunResult, new RunResult { ExecutionID = last.ID, JobID = JobId }, BacalhauJsonContext.Default.RunResult);
        Assert.Equal(JobStateType.Completed, bed.Store.GetJob(JobId)!.State.StateType);
        Assert.Single(bed.Store.GetHistory(JobId), h => h.JobState?.New == JobStateType.Completed);
        Assert.All(bed.Store.GetExecutions(JobId), e => Assert.Equal(ExecutionStateType.Completed, e.ComputeState.StateType));
    }

    [Fact]
    public async Task A_job_of_more_partitions_than_a_wave_places_the_next_ones_once_an_eighth_of_the_wave_has_ended()
    {
        const int Count = JobScheduler.MaxInFlight + (JobScheduler.MaxInFlight / 2);
        const int Eighth = JobScheduler.MaxInFlight / 8;
        await using var bed = await SubmitAsync(Job(Count), "n-1");
        var wave = bed.Store.GetExecutions(JobId);
        Assert.Equal(JobScheduler.MaxInFlight, wave.Count);

        // Until an eighth of the wave has ended, results place nothing.
        foreach (var execution in wave.Take(Eighth - 1))
        {
            await CompleteAsync(bed, execution);
        }

        Assert.Equal(JobScheduler.MaxInFlight, bed.Store.GetExecutions(JobId).Count);
        await CompleteAsync(bed, wave[Eighth - 1]);
        var topped = bed.Store.GetExecutions(JobId);
        Assert.Equal(Enumerable.Range(0, JobScheduler.MaxInFlight + Eighth), topped.Select(e => e.PartitionIndex).Order());
        Assert.Equal(JobScheduler.MaxInFlight, topped.Count(e => e.IsActive));

        while (bed.Store.GetExecutions(JobId).FirstOrDefault(e => e.IsActive) is { } active)
        {
            await CompleteAsync(bed, active);
        }

        Assert.Equal(Enumerable.Range(0, Count), bed.Store.GetExecutions(JobId).Select(e => e.PartitionIndex).Order());
        Assert.Equal(JobStateType.Completed, bed.Store.GetJob(JobId)!.State.StateType);
    }

    [Fact]
    public async Task Once_a_partition_has_failed_the_next_ones_wait_until_half_a_wave_has_ended()
    {
        const int Count = JobScheduler.MaxInFlight + (JobScheduler.MaxInFlight / 2);
        const int Half = JobScheduler.MaxInFlight / 2;
        await using var bed = await SubmitAsync(Job(Count), "n-1");
        var wave = bed.Store.GetExecutions(JobId);
        await ReportAsync(bed, "n-1", MessageTypes.ComputeError, new ComputeError { ExecutionID = wave[0].ID, JobID = JobId, Error = "boom" }, BacalhauJsonContext.Default.ComputeError);
        Assert.Equal(JobScheduler.MaxInFlight + 1, bed.Store.GetExecutions(JobId).Count);

        foreach (var execution in wave.Skip(1).Take(Half - 1))
        {
            await CompleteAsync(bed, execution);
        }

        Assert.Equal(JobScheduler.MaxInFlight + 1, bed.Store.GetExecutions(JobId).Count);
        await CompleteAsync(bed, wave[Half]);
        Assert.Equal(Enumerable.Range(0, Count), bed.Store.GetExecutions(JobId).Select(e => e.PartitionIndex).Distinct().Order());
    }

    [Fact]
    public async Task A_result_that_frees_room_places_a_partition_that_waited_for_it()
    {
        // Two partitions of 3 CPUs on one node of 4: the second waits for the first to finish.
        await using var bed = await SubmitAsync(Job(2, cpu: "3"), "n-1");
        var first = Assert.Single(bed.Store.GetExecutions(JobId));
        await ReportAsync(bed, "n-1", MessageTypes.BidResult, new BidResult { ExecutionID = first.ID, JobID = JobId, Accepted = true }, BacalhauJsonContext.Default.BidResult);

        await ReportAsync(bed, "n-1", MessageTypes.RunResult, new RunResult { ExecutionID = first.ID, JobID = JobId }, BacalhauJsonContext.Default.RunResult);

        var second = Assert.Single(bed.Store.GetExecutions(JobId), e => e.ID != first.ID);
        Assert.Equal((1, ExecutionStateType.New), (second.PartitionIndex, second.ComputeState.StateType));
        Assert.Equal(JobStateType.Running, bed.Store.GetJob(JobId)!.State.StateType);
    }

    [Fact]
    public async Task A_failed_partition_among_many_running_is_placed_again()
    {
        await using var bed = await SubmitAsync(Job(10), "n-1");
        var executions = bed.Store.GetExecutions(JobId);
        var failed = executions[3];

        await ReportAsync(bed, "n-1", MessageTypes.ComputeError, new ComputeError { ExecutionID = failed.ID, JobID = JobId, Error = "boom" }, BacalhauJsonContext.Default.ComputeError);

        var retry = Assert.Single(bed.Store.GetExecutions(JobId), e => e.PreviousExecution == failed.ID);
        Assert.Equal(3, retry.PartitionIndex);
        Assert.Equal(new(10, 0, 1, 10), bed.Store.TallyExecutions(JobId, bed.Store.GetJob(JobId)!.Version));
    }

    [Fact]
    public async Task A_job_bound_by_its_node_s_room_places_one_partition_per_result_in_order_and_a_failed_one_again()
    {
        // Partitions of 2 CPUs on one node of 4: two at a time.
        await using var bed = await SubmitAsync(Job(5, cpu: "2"), "n-1");
        Assert.Equal([0, 1], bed.Store.GetExecutions(JobId).Select(e => e.PartitionIndex).Order());

        await CompleteAsync(bed, Partition(bed, 0));
        Assert.Equal([1, 2], ActivePartitions(bed));

        var failed = Partition(bed, 1);
        await ReportAsync(bed, "n-1", MessageTypes.ComputeError, new ComputeError { ExecutionID = failed.ID, JobID = JobId, Error = "boom" }, BacalhauJsonContext.Default.ComputeError);
        Assert.Equal([1, 2], ActivePartitions(bed));
        Assert.Equal(failed.ID, Partition(bed, 1).PreviousExecution);

        await CompleteAsync(bed, Partition(bed, 2));
        Assert.Equal([1, 3], ActivePartitions(bed));
        await CompleteAsync(bed, Partition(bed, 1));
        Assert.Equal([3, 4], ActivePartitions(bed));
        await CompleteAsync(bed, Partition(bed, 3));
        await CompleteAsync(bed, Partition(bed, 4));

        Assert.Equal(JobStateType.Completed, bed.Store.GetJob(JobId)!.State.StateType);
        Assert.Equal(6, bed.Store.GetExecutions(JobId).Count);
    }

    private static int[] ActivePartitions(CoordinatorBed bed) => [.. bed.Store.GetExecutions(JobId).Where(e => e.IsActive).Select(e => e.PartitionIndex).Order()];

    /// <summary>The partition's execution under way.</summary>
    private static Execution Partition(CoordinatorBed bed, int partition) =>
        Assert.Single(bed.Store.GetExecutions(JobId), e => e.PartitionIndex == partition && e.IsActive);

    /// <summary>A coordinator with <paramref name="nodes"/> joined, given <paramref name="job"/>.</summary>
    private async Task<CoordinatorBed> SubmitAsync(Job job, params string[] nodes)
    {
        var bed = new CoordinatorBed(Path.Combine(_dir, "state.db"), _time, _recorder.Factory, TimeSpan.FromHours(1));
        foreach (var node in nodes)
        {
            bed.Join(node);
        }

        await bed.Coordinator.SubmitAsync(job, CancellationToken.None);
        return bed;
    }

    private async Task CompleteAsync(CoordinatorBed bed, Execution execution)
    {
        await ReportAsync(bed, execution.NodeID, MessageTypes.BidResult, new BidResult { ExecutionID = execution.ID, JobID = JobId, Accepted = true }, BacalhauJsonContext.Default.BidResult);
        await ReportAsync(bed, execution.NodeID, MessageTypes.RunResult, new RunResult { ExecutionID = execution.ID, JobID = JobId }, BacalhauJsonContext.Default.RunResult);
    }

    private static Job Job(int count, string cpu = "") => new()
    {
        ID = JobId,
        Name = JobId,
        Type = JobTypes.Batch,
        Count = count,
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" }, Resources = new ResourcesConfig { CPU = cpu } }],
    };

    private Task ReportAsync<T>(CoordinatorBed bed, string nodeId, string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        bed.Coordinator.HandleComputeMessageAsync(new InboundMessage(nodeId, ++_seq, Envelope.Decode(Envelope.Encode(payload, typeInfo, new Dictionary<string, string> { [MessageHeaders.Type] = type })), null));
}
