using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Tests.Jobs;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Bacalhau.Storage;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Tests.Metrics;

public sealed class OrchestratorMetricsTests : IDisposable
{
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-metrics-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Jobs_through_the_coordinator_are_counted_and_timed_by_type_once_committed()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(Path.Combine(_dir, "state.db"), _time, recorder.Factory, TimeSpan.FromHours(1), new SchedulerOptions { QueueTimeout = QueueTimeout });
        var (store, coordinator) = (bed.Store, bed.Coordinator);
        bed.Join("n-1");
        ulong seq = 0;
        Task Report<T>(string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
            coordinator.HandleComputeMessageAsync(new InboundMessage("n-1", ++seq, Envelope.Decode(Envelope.Encode(payload, typeInfo, new Dictionary<string, string> { [MessageHeaders.Type] = type })), null));

        // Completes two seconds after its submission.
        await coordinator.SubmitAsync(Job("j-done", "noop"), CancellationToken.None);
        var done = Assert.Single(store.GetExecutions("j-done")).ID;
        await Report(MessageTypes.BidResult, new BidResult { ExecutionID = done, JobID = "j-done", Accepted = true }, BacalhauJsonContext.Default.BidResult);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Report(MessageTypes.RunResult, new RunResult { ExecutionID = done, JobID = "j-done" }, BacalhauJsonContext.Default.RunResult);
        Assert.Equal(JobStateType.Completed, store.GetJob("j-done")!.State.StateType);

        // Stopped by its user.
        await coordinator.SubmitAsync(Job("j-stop", "noop"), CancellationToken.None);
        await coordinator.StopAsync("j-stop", null, CancellationToken.None);

        // No NATS server answers the bed's channel: the two offers and the cancel wait in the outbox.
        Assert.Equal(3, Assert.Single(recorder.Observe("bacalhau.outbox.depth")).Value);

        // No node offers its engine: it waits in the queue, then fails when its queue timeout is over.
        await coordinator.SubmitAsync(Job("j-wait", "docker"), CancellationToken.None);
        Assert.Equal(1, Assert.Single(recorder.Observe("bacalhau.jobs.queue_depth")).Value);
        _time.Advance(QueueTimeout + TimeSpan.FromSeconds(1));
        await coordinator.MaintainAsync(CancellationToken.None);
        Assert.Equal(JobStateType.Failed, store.GetJob("j-wait")!.State.StateType);
        Assert.Equal(0, Assert.Single(recorder.Observe("bacalhau.jobs.queue_depth")).Value);

        Assert.Equal(3, Total(recorder, "bacalhau.jobs.submitted"));
        Assert.Equal(1, Total(recorder, "bacalhau.jobs.completed"));
        Assert.Equal(1, Total(recorder, "bacalhau.jobs.stopped"));
        Assert.Equal(1, Total(recorder, "bacalhau.jobs.failed"));
        Assert.All(
            ((string[])["bacalhau.jobs.submitted", "bacalhau.jobs.completed", "bacalhau.jobs.stopped", "bacalhau.jobs.failed"]).SelectMany(recorder.Of),
            m => Assert.Equal(new Dictionary<string, string?> { ["bacalhau.job.type"] = JobTypes.Batch }, m.Tags));
        var completed = Assert.Single(recorder.Of("bacalhau.jobs.submit_to_completed"));
        Assert.Equal(2.0, completed.Value);
        Assert.Equal("s", completed.Unit);
        // The two jobs placed at once ran from their submission; the one never placed never ran.
        Assert.Equal([0.0, 0.0], recorder.Of("bacalhau.jobs.submit_to_running").Select(m => m.Value));

        // Every decision above was a commit of at least one change, timed.
        var batches = recorder.Of("bacalhau.store.commit.batch_size");
        Assert.InRange(batches.Count, 7, int.MaxValue);
        Assert.All(batches, b => Assert.InRange(b.Value, 1, 1024));
        Assert.Equal(batches.Count, recorder.Of("bacalhau.store.commit.duration").Count);
        Assert.All(recorder.Of("bacalhau.store.commit.duration"), d => Assert.True(d.Value >= 0));
    }

    [Fact]
    public async Task A_job_placed_at_its_submission_ran_from_it_while_the_clock_moves_on()
    {
        // Every reading of the clock moves it on, as a real one does between two readings.
        _time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(Path.Combine(_dir, "state.db"), _time, recorder.Factory, TimeSpan.FromHours(1));
        bed.Join("n-1");

        await bed.Coordinator.SubmitAsync(Job("j-placed", "noop"), CancellationToken.None);

        var job = bed.Store.GetJob("j-placed")!;
        Assert.Equal(JobStateType.Running, job.State.StateType);
        Assert.Equal(0.0, Assert.Single(recorder.Of("bacalhau.jobs.submit_to_running")).Value);
        Assert.All(bed.Store.GetHistory("j-placed"), h => Assert.Equal(UnixNanos.ToDateTimeOffset(job.CreateTime), h.Time));
    }

    [Fact]
    public async Task A_decision_whose_commit_fails_counts_nothing()
    {
        using var recorder = new MetricRecorder();
        await using var bed = new CoordinatorBed(Path.Combine(_dir, "state.db"), _time, recorder.Factory, TimeSpan.FromHours(1));
        var (store, coordinator) = (bed.Store, bed.Coordinator);
        // SQLite itself refuses the job's row, so the whole decision rolls back.
        await store.Writer.WriteAsync((connection, transaction) =>
            SqliteDatabase.Execute(connection, "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'refused by the test'); END", transaction));

        await Assert.ThrowsAnyAsync<Exception>(() => coordinator.SubmitAsync(Job("j-refused", "noop"), CancellationToken.None));
        await store.Writer.WriteAsync((connection, transaction) => SqliteDatabase.Execute(connection, "DROP TRIGGER refuse_jobs", transaction));
        await coordinator.SubmitAsync(Job("j-kept", "noop"), CancellationToken.None);

        Assert.Null(store.GetJob("j-refused"));
        Assert.Equal(1, Total(recorder, "bacalhau.jobs.submitted"));
    }

    [Fact]
    public async Task Nodes_are_observed_by_connection_and_membership()
    {
        using var recorder = new MetricRecorder();
        var options = Options.Create(new NodeManagerOptions { DisconnectTimeout = TimeSpan.FromSeconds(10), ManualApproval = true });
        await using var store = new SqliteJobStore(Path.Combine(_dir, "state.db"), "orchestrator");
        var registry = new NodeRegistry(_time, options, NullLogger<NodeRegistry>.Instance);
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = "nats://127.0.0.1:1" });
        await using var channel = new ComputeChannel(nats, store, NullLogger<ComputeChannel>.Instance, TimeProvider.System);
        _ = new OrchestratorMetrics(recorder.Factory, store, registry, channel);
        foreach (var id in (string[])["n-1", "n-2", "n-3"])
        {
            registry.Handshake(new HandshakeRequest { NodeInfo = new NodeInfo { NodeID = id, NodeType = NodeType.Compute, ComputeNodeInfo = new ComputeNodeInfo { ExecutionEngines = ["noop"] } } });
        }

        await registry.ApplyActionAsync("n-1", "approve", null);
        await registry.ApplyActionAsync("n-2", "reject", null);
        _time.Advance(TimeSpan.FromSeconds(11));
        registry.DisconnectStaleNodes();

        Assert.Equal(new Dictionary<string, double> { ["connected"] = 0, ["disconnected"] = 3 }, ByTag(recorder.Observe("bacalhau.nodes.connection"), "bacalhau.node.connection"));
        Assert.Equal(new Dictionary<string, double> { ["approved"] = 1, ["pending"] = 1, ["rejected"] = 1 }, ByTag(recorder.Observe("bacalhau.nodes.membership"), "bacalhau.node.membership"));
    }

    private static double Total(MetricRecorder recorder, string instrument) => recorder.Of(instrument).Sum(m => m.Value);

    private static Dictionary<string, double> ByTag(IReadOnlyList<Measured> measured, string tag) =>
        measured.ToDictionary(m => m.Tags[tag]!, m => m.Value);

    private static Job Job(string id, string engine) => new()
    {
        ID = id,
        Name = id,
        Type = JobTypes.Batch,
        Count = 1,
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = engine } }],
    };
}
