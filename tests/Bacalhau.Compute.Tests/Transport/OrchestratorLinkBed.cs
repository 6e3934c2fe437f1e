using Bacalhau.Compute.Tests.Executions;
using Bacalhau.Compute.Transport;
using Bacalhau.Messaging.Tests;
using Bacalhau.ServiceDefaults.Nats;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Transport;

/// <summary>A compute node's orchestrator link on a real nats-server, on fake time; the orchestrator is scripted by the test.</summary>
internal sealed class OrchestratorLinkBed : IAsyncDisposable
{
    private readonly NatsServerProcess _server;
    private readonly ExecutionManagerBed _node;
    private readonly NatsConnection _linkConnection;
    private readonly OrchestratorTrust _trust;
    private ScriptedOrchestrator? _orchestrator;

    private OrchestratorLinkBed(NatsServerProcess server, ExecutionManagerBed node)
    {
        _server = server;
        _node = node;
        _linkConnection = server.Connect();
        OrchestratorConnection = server.Connect();
        var options = Options.Create(new ComputeOptions { Heartbeat = new ComputeOptions.HeartbeatOptions { Interval = Heartbeat, InfoUpdateInterval = TimeSpan.FromHours(1) } });
        _trust = new OrchestratorTrust([], options);
        Link = new OrchestratorLink(
            _linkConnection,
            new NatsClientSettings { Url = server.Url },
            node.Identity,
            node.NodeInfo,
            node.Channel,
            node.Manager,
            _trust,
            node.StaleWork,
            options,
            Time,
            NullLogger<OrchestratorLink>.Instance);
    }

    public static TimeSpan Heartbeat { get; } = TimeSpan.FromSeconds(15);

    public WatchedTimeProvider Time { get; } = new();

    public OrchestratorLink Link { get; }

    public NatsConnection OrchestratorConnection { get; }

    public ExecutionManagerBed Node => _node;

    public string NodeId => _node.Identity.NodeId;

    public static async Task<OrchestratorLinkBed> StartAsync()
    {
        var server = await NatsServerProcess.StartAsync();
        var node = await ExecutionManagerBed.StartAsync();
        return new OrchestratorLinkBed(server, node);
    }

    /// <summary>Starts answering the node's control subject; before this, nobody is there.</summary>
    public async Task<ScriptedOrchestrator> OrchestratorAsync() => _orchestrator ??= await ScriptedOrchestrator.StartAsync(OrchestratorConnection, NodeId);

    /// <summary>The orchestrator goes away: the node's requests find nobody until <see cref="OrchestratorAsync"/> again.</summary>
    public async Task StopOrchestratorAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
            _orchestrator = null;
        }

        await OrchestratorConnection.PingAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }

        await Link.StopAsync(CancellationToken.None);
        Link.Dispose();
        await _linkConnection.DisposeAsync();
        await OrchestratorConnection.DisposeAsync();
        _trust.Dispose();
        await _node.DisposeAsync();
        await _server.DisposeAsync();
    }
}
