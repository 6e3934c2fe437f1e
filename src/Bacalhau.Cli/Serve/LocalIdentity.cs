using System.Globalization;
using Bacalhau.Cli.Configuration;
using Bacalhau.Contracts.Api;
using Bacalhau.Identity;
using Bacalhau.Identity.Nodes;
using Bacalhau.NatsHosting.Server;
using Bacalhau.Orchestrator.Nodes;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// The identity of the node kept in this data directory, read as <c>bacalhau serve</c> reads it (the key file is
/// created when missing, as Bacalhau's <c>id</c> did): what that node's <c>GET /api/v1/id</c> answers.
/// </summary>
internal static class LocalIdentity
{
    private static readonly string[] Roles = ["orchestrator", "compute"];

    public static NodeIdentityResponse Describe(CliSettings settings)
    {
        using var key = NodeKey.LoadOrCreate(settings.DataDir, KeyPort(settings));
        var natsUrl = NatsServerConfig.ClientUrlFor(
            settings.Get(ConfigKeys.OrchestratorHost)!,
            int.Parse(settings.Get(ConfigKeys.OrchestratorPort)!, CultureInfo.InvariantCulture));
        return new NodeIdentityResponse
        {
            ID = StoredNodeId(settings.DataDir) ?? NodeNames.Generate(settings.Get(ConfigKeys.NameProvider), key.PeerId),
            PeerID = key.PeerId.Text,
            PublicKey = Convert.ToBase64String(key.PublicKey),
            Addresses = OrchestratorAddresses.Of(natsUrl, key.PeerId),
        };
    }

    /// <summary>The port the key file is named after: the NATS port when one is configured, as the nodes read it.</summary>
    public static int KeyPort(CliSettings settings) =>
        NodeKey.PortOf(settings.IsSet(ConfigKeys.OrchestratorPort) ? settings.Get(ConfigKeys.OrchestratorPort) : null);

    /// <summary>A node ID an earlier run kept (the orchestrator's first, as the API reports it), which wins over the peer ID.</summary>
    private static string? StoredNodeId(string dataDir) =>
        Roles
            .Select(role => Path.Combine(dataDir, role))
            .Where(Directory.Exists)
            .Select(dir => SystemMetadata.Load(dir).NodeId)
            .FirstOrDefault(id => !string.IsNullOrWhiteSpace(id));
}
