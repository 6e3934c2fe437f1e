using System.Diagnostics.Metrics;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Tests.Jobs;

/// <summary>
/// A job coordinator on a real SQLite store and node registry, driven by the test with the messages nodes would send.
/// Nothing reaches a node (its NATS connection points nowhere): what a decision queues stays in the store's outbox.
/// </summary>
internal sealed class CoordinatorBed : IAsyncDisposable
{
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = "nats://127.0.0.1:1" });
    private readonly ComputeChannel _channel;

    public CoordinatorBed(string databasePath, TimeProvider time, IMeterFactory meters, TimeSpan disconnectTimeout, SchedulerOptions? scheduler = null)
    {
        var options = Options.Create(new NodeManagerOptions { DisconnectTimeout = disconnectTimeout });
        Store = new SqliteJobStore(databasePath, "orchestrator");
        Registry = new NodeRegistry(time, options, NullLogger<NodeRegistry>.Instance);
        _channel = new ComputeChannel(_nats, Store, NullLogger<ComputeChannel>.Instance, TimeProvider.System);
        Coordinator = new JobCoordinator(
            Store,
            new JobScheduler(Options.Create(scheduler ?? new SchedulerOptions())),
            Registry,
            _channel,
            new OrchestratorMetrics(meters, Store, Registry, _channel),
            time,
            options,
            NullLogger<JobCoordinator>.Instance);
    }

    public SqliteJobStore Store { get; }

    public NodeRegistry Registry { get; }

    public JobCoordinator Coordinator { get; }

    /// <summary>A compute node offering the noop engine, with room for a few jobs, joins.</summary>
    public void Join(string nodeId) =>
        Registry.Handshake(new HandshakeRequest { NodeInfo = new NodeInfo { NodeID = nodeId, NodeType = NodeType.Compute, ComputeNodeInfo = new ComputeNodeInfo { ExecutionEngines = ["noop"], MaxCapacity = new Resources { CPU = 4, Memory = 1L << 32, Disk = 1L << 32 } } } });

    public async ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        await _channel.DisposeAsync();
        await _nats.DisposeAsync();
        await Store.DisposeAsync();
    }
}
