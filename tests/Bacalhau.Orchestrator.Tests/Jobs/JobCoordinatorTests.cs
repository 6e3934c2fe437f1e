using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.Core;

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
        var options = Options.Create(new NodeManagerOptions { DisconnectTimeout = Timeout });
        string executionId;
        var store = new SqliteJobStore(DatabasePath, "orchestrator");
        await using (store)
        {
            var registry = new NodeRegistry(_time, options, NullLogger<NodeRegistry>.Instance);
            // The node never receives anything here: what the decision queues for it is read back from the database.
            await using var nats = new NatsConnection(NatsOpts.Default with { Url = "nats://127.0.0.1:1" });
            await using var channel = new ComputeChannel(nats, store, NullLogger<ComputeChannel>.Instance, TimeProvider.System);
            using var recorder = new MetricRecorder();
            using var coordinator = new JobCoordinator(store, new JobScheduler(Options.Create(new SchedulerOptions())), registry, channel, new OrchestratorMetrics(recorder.Factory, store, registry), _time, options, NullLogger<JobCoordinator>.Instance);
            registry.Handshake(new HandshakeRequest { NodeInfo = new NodeInfo { NodeID = "n-1", NodeType = NodeType.Compute, ComputeNodeInfo = new ComputeNodeInfo { ExecutionEngines = ["noop"], MaxCapacity = new Resources { CPU = 4, Memory = 1L << 32, Disk = 1L << 32 } } } });

            var submitted = await coordinator.SubmitAsync(new Job
            {
                ID = "j-1",
                Name = "j-1",
                Type = JobTypes.Batch,
                Count = 1,
                Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
            }, CancellationToken.None);
            executionId = Assert.Single(store.GetExecutions(submitted.JobId)).ID;

            _time.Advance(Timeout + TimeSpan.FromSeconds(1));
            registry.DisconnectStaleNodes();
            await coordinator.MaintainAsync(CancellationToken.None);

            var failed = store.GetExecutions(submitted.JobId).Single(e => e.ID == executionId);
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
