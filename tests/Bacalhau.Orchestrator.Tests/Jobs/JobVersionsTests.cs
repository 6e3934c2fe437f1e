using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Jobs;

/// <summary>Job versions as the coordinator makes them: an update by name, a rerun, and what happens to the executions of the old version.</summary>
public sealed class JobVersionsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-versions-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private string DatabasePath => Path.Combine(_dir, "state.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_spec_named_like_a_running_job_updates_it_and_replaces_its_executions()
    {
        string jobId;
        string oldExecutionId;
        using var recorder = new MetricRecorder();
        await using (var bed = new CoordinatorBed(DatabasePath, _time, recorder.Factory, Timeout))
        {
            bed.Join("n-1");
            var first = await bed.Coordinator.SubmitAsync(Spec("j-1", "etl", count: 1), CancellationToken.None);
            jobId = first.JobId;
            var old = Assert.Single(bed.Store.GetExecutions(jobId));
            Assert.Equal(JobStateType.Running, bed.Store.GetJob(jobId)!.State.StateType);

            var update = await bed.Coordinator.SubmitAsync(Spec("j-2", "etl", count: 2), CancellationToken.None);

            Assert.Null(update.Error);
            Assert.Equal(jobId, update.JobId);
            Assert.Equal(2UL, update.Version);
            Assert.Null(bed.Store.GetJob("j-2"));
            var job = bed.Store.GetJob(jobId)!;
            Assert.Equal((2UL, 2), (job.Version, job.Count));
            Assert.Equal([1UL, 2UL], bed.Store.GetJobVersions(jobId).Select(v => v.Version));
            Assert.Equal(1, bed.Store.GetJobVersions(jobId)[0].Count);

            var executions = bed.Store.GetExecutions(jobId);
            Assert.Equal(ExecutionStateType.Cancelled, executions.Single(e => e.ID == old.ID).ComputeState.StateType);
            Assert.Equal(2, executions.Count(e => e.JobVersion == 2 && e.IsActive));
            Assert.Contains(bed.Store.GetHistory(jobId), h => h.JobVersion == 2 && h.Event.Message.Contains("update", StringComparison.Ordinal));
            oldExecutionId = old.ID;
        }

        // The earlier version and the name are read back from the database.
        await using var reopened = new SqliteJobStore(DatabasePath, "orchestrator");
        Assert.Equal([1UL, 2UL], reopened.GetJobVersions(jobId).Select(v => v.Version));
        Assert.Equal(jobId, reopened.FindJobByName("default", "etl")?.ID);
        Assert.Null(reopened.FindJobByName("other", "etl"));
        var cancel = reopened.Outbox.Pending.Where(e => e.Type == MessageTypes.CancelExecution)
            .Select(e => Envelope.Decode(e.Envelope).PayloadAs(BacalhauJsonContext.Default.CancelExecutionRequest)).Single();
        Assert.Equal(oldExecutionId, cancel.ExecutionID);
        Assert.Contains("version 2", cancel.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_spec_is_refused_unless_forced_and_a_name_in_another_namespace_is_another_job()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(DatabasePath, _time, recorder.Factory, Timeout);
        bed.Join("n-1");
        var first = await bed.Coordinator.SubmitAsync(Spec("j-1", "etl", count: 1), CancellationToken.None);

        var same = await bed.Coordinator.SubmitAsync(Spec("j-2", "etl", count: 1), CancellationToken.None);
        Assert.Contains("no changes detected", same.Error, StringComparison.Ordinal);
        Assert.Equal(1UL, bed.Store.GetJob(first.JobId)!.Version);

        var forced = await bed.Coordinator.SubmitAsync(Spec("j-3", "etl", count: 1), force: true, CancellationToken.None);
        Assert.Equal((first.JobId, 2UL), (forced.JobId, forced.Version));

        var elsewhere = await bed.Coordinator.SubmitAsync(Spec("j-4", "etl", count: 1) with { Namespace = "team-b" }, CancellationToken.None);
        Assert.Equal(("j-4", 1UL), (elsewhere.JobId, elsewhere.Version));
    }

    [Fact]
    public async Task A_rerun_runs_the_latest_or_a_given_version_again_as_the_next_one()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(DatabasePath, _time, recorder.Factory, Timeout);
        bed.Join("n-1");
        var job = await bed.Coordinator.SubmitAsync(Spec("j-1", "etl", count: 1), CancellationToken.None);
        await bed.Coordinator.SubmitAsync(Spec("j-2", "etl", count: 2), CancellationToken.None);
        await bed.Coordinator.StopAsync(job.JobId, "enough", CancellationToken.None);
        Assert.Empty(bed.Store.ActiveExecutions());

        var rerun = await bed.Coordinator.RerunAsync(job.JobId, version: 1, reason: null, CancellationToken.None);

        Assert.Null(rerun.Error);
        Assert.Equal(3UL, rerun.Version);
        var current = bed.Store.GetJob(job.JobId)!;
        Assert.Equal((3UL, 1, JobStateType.Running), (current.Version, current.Count, current.State.StateType));
        Assert.Single(bed.Store.ActiveExecutions(), e => e.JobID == job.JobId && e.JobVersion == 3);

        var latest = await bed.Coordinator.RerunAsync(job.JobId, version: 0, reason: "again", CancellationToken.None);
        Assert.Equal((4UL, 1), (latest.Version, bed.Store.GetJob(job.JobId)!.Count));
        Assert.Single(bed.Store.ActiveExecutions(), e => e.JobID == job.JobId);

        var missing = await bed.Coordinator.RerunAsync(job.JobId, version: 9, reason: null, CancellationToken.None);
        Assert.True(missing.NotFound);
        Assert.Contains("JobVersion", missing.Error, StringComparison.Ordinal);
        Assert.True((await bed.Coordinator.RerunAsync("j-none", 0, null, CancellationToken.None)).NotFound);
    }

    [Fact]
    public async Task A_job_still_waiting_to_start_is_not_rerun()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(DatabasePath, _time, recorder.Factory, Timeout);
        // No node: the job waits in the queue.
        var job = await bed.Coordinator.SubmitAsync(Spec("j-1", "etl", count: 1), CancellationToken.None);

        var rerun = await bed.Coordinator.RerunAsync(job.JobId, 0, null, CancellationToken.None);

        Assert.False(rerun.NotFound);
        Assert.Contains("cannot rerun job in state Queued", rerun.Error, StringComparison.Ordinal);
        Assert.Equal(1UL, bed.Store.GetJob(job.JobId)!.Version);
    }

    private static Job Spec(string id, string name, int count) => new()
    {
        ID = id,
        Name = name,
        Type = JobTypes.Batch,
        Count = count,
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
    };
}
