using System.Collections.Concurrent;
using System.Diagnostics;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Jobs;

/// <summary>
/// The coordinator's spans: a job waiting in the queue is looked at every second without a span for each look, and the
/// look that places it is traced, naming the job.
/// </summary>
public sealed class JobCoordinatorTracingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-coordinator-tracing-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public JobCoordinatorTracingTests()
    {
        _listener = new ActivityListener
        {
            // By name: the coordinator's source may be created while this runs, inside the coordinator's static initializer.
            ShouldListenTo = source => source.Name == "Bacalhau.Orchestrator.Jobs",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_queued_job_is_revisited_without_spans_until_a_node_takes_it()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(Path.Combine(_dir, "state.db"), _time, recorder.Factory, TimeSpan.FromHours(1));
        // Other tests of this assembly run beside this one: only this job's spans count.
        var jobId = $"j-{Guid.NewGuid():N}";
        await bed.Coordinator.SubmitAsync(new Job
        {
            ID = jobId,
            Name = jobId,
            Type = JobTypes.Batch,
            Count = 1,
            Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
        }, CancellationToken.None);
        Assert.Equal(JobStateType.Queued, bed.Store.GetJob(jobId)!.State.StateType);
        var schedules = Spans(jobId, "schedule").Count;

        for (var tick = 0; tick < 5; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await bed.Coordinator.MaintainAsync(CancellationToken.None);
        }

        Assert.Equal(schedules, Spans(jobId, "schedule").Count);

        bed.Join("n-1");
        await bed.Coordinator.MaintainAsync(CancellationToken.None);

        var placed = Assert.Single(Spans(jobId, "schedule").Skip(schedules));
        Assert.Equal(EvaluationTriggers.NodeJoin, placed.GetTagItem("bacalhau.evaluation.trigger"));
        Assert.Single(bed.Store.GetExecutions(jobId));
    }

    private List<Activity> Spans(string jobId, string name) =>
        [.. _spans.Where(s => s.OperationName == name && (string?)s.GetTagItem(JobTrace.JobIdTag) == jobId)];
}
