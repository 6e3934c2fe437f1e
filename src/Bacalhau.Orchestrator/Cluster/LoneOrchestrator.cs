using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>An orchestrator without peers: it always leads, in term 0, and is its own leader.</summary>
internal sealed class LoneOrchestrator(OrchestratorIdentity identity, IServer? server = null) : IClusterLeadership
{
    private LeaderInfo? _leader;

    public OrchestratorRole Role => OrchestratorRole.Leader;

    public LeaderInfo Leader => _leader ?? Describe();

    // The API's address is known once the server listens; until then (or without a server) it is left empty.
    private LeaderInfo Describe()
    {
        var url = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var leader = new LeaderInfo(identity.NodeId, url ?? "", 0);
        if (url is not null)
        {
            _leader = leader;
        }

        return leader;
    }
}
