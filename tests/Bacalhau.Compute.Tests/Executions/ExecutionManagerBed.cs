using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Inputs;
using Bacalhau.Compute.Logs;
using Bacalhau.Compute.Metrics;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Nodes.Gpus;
using Bacalhau.Compute.Publishers;
using Bacalhau.Compute.Storage;
using Bacalhau.Compute.Transport;
using Bacalhau.Identity;
using Bacalhau.Messaging;
using Bacalhau.Tests.Metrics;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Executions;

/// <summary>
/// An execution manager as a compute node builds it: a real execution store (SQLite) in a temporary data dir, the
/// noop engine and publisher, and a channel to the orchestrator whose NATS server is absent (what it queues stays in the store).
/// </summary>
internal sealed class ExecutionManagerBed : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-execution-manager-").FullName;
    private readonly NodeKey _key;
    private readonly NatsConnection _nats = new(NatsOpts.Default with { Url = "nats://127.0.0.1:1" });
    private readonly List<string> _offered = [];
    private ulong _seq;

    private ExecutionManagerBed(bool acceptNetworkedJobs, EngineCatalog engines)
    {
        _key = NodeKey.LoadOrCreate(_dataDir, 1234);
        var identity = Identity = new ComputeIdentity("node-1", _dataDir, new Dictionary<string, string>(), null, _key);
        IPublisher[] publishers = [new NoopPublisher()];
        Store = new ExecutionStore(Path.Combine(_dataDir, "state.db"), identity.NodeId);
        Channel = new OrchestratorChannel(_nats, Store, identity, NullLogger<OrchestratorChannel>.Instance, TimeProvider.System);
        NodeInfo = new NodeInfoProvider(identity, engines, publishers, new GpuCatalog(NullLogger<GpuCatalog>.Instance), Options.Create(new ComputeOptions()));
        Manager = new ExecutionManager(
            Store,
            Channel,
            engines,
            new InputStager([]),
            publishers,
            new ExecutionLogFiles(identity),
            identity,
            NodeInfo,
            Options.Create(new JobAdmissionControlOptions { AcceptNetworkedJobs = acceptNetworkedJobs }),
            StaleWork,
            new ComputeMetrics(Metrics.Factory),
            TimeProvider.System,
            NullLogger<ExecutionManager>.Instance);
    }

    public ComputeIdentity Identity { get; }

    /// <summary>What the manager's meter measures.</summary>
    public MetricRecorder Metrics { get; } = new();

    /// <summary>Holds the node as joined a moment ago, so offers are judged on their own merits.</summary>
    public StaleWorkGuard StaleWork { get; } = JoinedGuard();

    public ExecutionStore Store { get; }

    public OrchestratorChannel Channel { get; }

    public NodeInfoProvider NodeInfo { get; }

    public ExecutionManager Manager { get; }

    /// <summary>What this node can run at most; executions here ask for shares of its memory.</summary>
    public Resources Capacity => NodeInfo.Capacity;

    public static async Task<ExecutionManagerBed> StartAsync(bool acceptNetworkedJobs = false)
    {
        var engines = new EngineCatalog([new NoopExecutor()], NullLogger<EngineCatalog>.Instance);
        await engines.StartAsync(CancellationToken.None);
        return new ExecutionManagerBed(acceptNetworkedJobs, engines);
    }

    /// <summary>An execution of a one-task job; the noop engine holds it for <paramref name="holdSeconds"/> (0: ends at once).</summary>
    public static Execution Offer(
        string id,
        Resources? resources = null,
        int holdSeconds = 3600,
        string engine = EngineTypes.Noop,
        string? publisher = null,
        string network = "") => new()
        {
            ID = id,
            JobID = $"j-{id}",
            NodeID = "node-1",
            AllocatedResources = resources ?? Resources.Zero,
            Job = new Job
            {
                ID = $"j-{id}",
                Tasks =
                [
                    new JobTask
                    {
                        Name = "main",
                        Engine = holdSeconds > 0 ? Requests.Engine(engine, ("Duration", holdSeconds)) : Requests.Engine(engine),
                        Publisher = publisher is null ? null : new SpecConfig { Type = publisher },
                        Network = new NetworkConfig { Type = network },
                    },
                ],
            },
        };

    /// <summary>Hands the node an ask for a bid as its data plane does; completes when the bid is durable.</summary>
    public Task AskAsync(Execution execution)
    {
        ulong seq;
        lock (_offered)
        {
            _offered.Add(execution.ID);
            seq = ++_seq;
        }

        return Manager.HandleAsync(Inbound(seq, MessageTypes.AskForBid, new AskForBidRequest { Execution = execution }, BacalhauJsonContext.Default.AskForBidRequest));
    }

    public Task CancelAsync(string executionId)
    {
        ulong seq;
        lock (_offered)
        {
            seq = ++_seq;
        }

        return Manager.HandleAsync(Inbound(seq, MessageTypes.CancelExecution, new CancelExecutionRequest { ExecutionID = executionId, Reason = "test over" }, BacalhauJsonContext.Default.CancelExecutionRequest));
    }

    public State<ExecutionStateType> StateOf(string executionId) => Store.Get(executionId)?.ComputeState ?? throw new InvalidOperationException($"{executionId} was never recorded");

    /// <summary>Waits until the execution has ended and its end is recorded.</summary>
    public async Task<State<ExecutionStateType>> EndOfAsync(string executionId)
    {
        await UntilAsync(() => StateOf(executionId).StateType.IsTerminal(), $"{executionId} to end");
        return StateOf(executionId);
    }

    /// <summary>Waits until the execution manager has handed a record of <paramref name="executionId"/> to the store.</summary>
    public Task RecordedAsync(string executionId) => UntilAsync(() => Store.Get(executionId) is not null, $"{executionId} to be recorded");

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {Timeout.TotalSeconds:F0} s for {what}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Runs still holding the noop engine end here, so none outlives the test.
        string[] offered;
        lock (_offered)
        {
            offered = [.. _offered];
        }

        foreach (var id in offered.Where(id => Store.Get(id)?.ComputeState.StateType.IsTerminal() == false))
        {
            await CancelAsync(id);
            await EndOfAsync(id);
        }

        await Channel.DisposeAsync();
        await Store.DisposeAsync();
        await _nats.DisposeAsync();
        _key.Dispose();
        Metrics.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static InboundMessage Inbound<T>(ulong seq, string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        new(ExecutionManager.OrchestratorPeer, seq, Envelope.Decode(NclMessage.Create(type, "orchestrator", payload, typeInfo, seq).Data), null);

    private static StaleWorkGuard JoinedGuard()
    {
        var guard = new StaleWorkGuard(TimeProvider.System);
        guard.Joined(guard.Now(), TimeSpan.FromHours(1), lastAssignedSeq: 0);
        return guard;
    }
}
