using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.Messaging.Tests;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Tests.Transport;

public sealed class ControlPlaneResponderTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("bacalhau-control-plane-");

    [Fact]
    public async Task An_orchestrator_that_takes_over_the_control_plane_asks_every_node_it_knows_to_handshake_now()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nodes = server.Connect();
        var registry = new NodeRegistry(TimeProvider.System, Options.Create(new NodeManagerOptions()), NullLogger<NodeRegistry>.Instance);
        string[] known = ["n-1", "n-2"];
        var inboxes = new List<INatsSub<byte[]>>();
        foreach (var node in known)
        {
            registry.Handshake(new HandshakeRequest { NodeInfo = new NodeInfo { NodeID = node, NodeType = NodeType.Compute, ComputeNodeInfo = new ComputeNodeInfo() } });
            inboxes.Add(await nodes.SubscribeCoreAsync<byte[]>(Subjects.ControlIn(node)));
        }

        await nodes.PingAsync();
        await using var orchestratorNats = server.Connect();
        await using var store = new SqliteJobStore(Path.Combine(_dataDir.FullName, "state.db"), "orchestrator");
        await using var channel = new ComputeChannel(orchestratorNats, store, NullLogger<ComputeChannel>.Instance, TimeProvider.System);
        var identity = new OrchestratorIdentity("orchestrator-1", _dataDir.FullName, new Dictionary<string, string>(), NodeKey.LoadOrCreate(_dataDir.FullName, 1234));
        using var responder = new ControlPlaneResponder(orchestratorNats, registry, identity, channel, TimeProvider.System, NullLogger<ControlPlaneResponder>.Instance);

        await responder.StartAsync(CancellationToken.None);
        var notices = new List<Envelope>();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            foreach (var inbox in inboxes)
            {
                notices.Add(Envelope.Decode((await inbox.Msgs.ReadAsync(timeout.Token)).Data));
                await inbox.DisposeAsync();
            }
        }

        await responder.StopAsync(CancellationToken.None);

        Assert.All(notices, notice =>
        {
            Assert.Equal(MessageTypes.RejoinRequest, notice.Type);
            Assert.Equal("orchestrator-1", notice.Metadata[MessageHeaders.Source]);
            Assert.NotEmpty(notice.PayloadAs(BacalhauJsonContext.Default.RejoinRequest).Reason);
        });
    }

    public void Dispose() => _dataDir.Delete(recursive: true);
}
