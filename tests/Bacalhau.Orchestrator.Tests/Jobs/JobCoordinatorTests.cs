using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Jobs;

public sealed class JobCoordinatorTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-coordinator-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private string DatabasePath => Path.Combine(_dir, "state.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_execution_failed_because_its_node_was_lost_is_cancelled_on_that_node_after_what_was_queued_for_it()
    {
        string executionId;
        using var recorder = new MetricRecorder();
        await using (var bed = new CoordinatorBed(DatabasePath, _time, recorder.Factory, Timeout))
        {
            bed.Join("n-1");

            var submitted = await bed.Coordinator.SubmitAsync(new Job
            {
                ID = "j-1",
                Name = "j-1",
                Type = JobTypes.Batch,
                Count = 1,
                Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
            }, CancellationToken.None);
            executionId = Assert.Single(bed.Store.GetExecutions(submitted.JobId)).ID;

            _time.Advance(Timeout + TimeSpan.FromSeconds(1));
            bed.Registry.DisconnectStaleNodes();
            await bed.Coordinator.MaintainAsync(CancellationToken.None);

            var failed = bed.Store.GetExecutions(submitted.JobId).Single(e => e.ID == executionId);
            Assert.Equal(ExecutionStateType.Failed, failed.ComputeState.StateType);
        }

        await using var reopened = new SqliteJobStore(DatabasePath, "orchestrator");
        var queued = reopened.Outbox.Pending.Where(e => e.Peer == "n-1").OrderBy(e => e.Seq).ToList();
        Assert.Equal([MessageTypes.AskForBid, MessageTypes.CancelExecution], queued.Select(e => e.Type));
        var cancel = Envelope.Decode(queued[1].Envelope).PayloadAs(BacalhauJsonContext.Default.CancelExecutionRequest);
        Assert.Equal(executionId, cancel.ExecutionID);
        Assert.Equal("j-1", cancel.JobID);
        Assert.Contains("was lost", cancel.Reason, StringComparison.Ordinal);
    }
}
