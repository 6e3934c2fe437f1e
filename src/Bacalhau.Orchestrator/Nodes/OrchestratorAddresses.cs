using Bacalhau.Identity;
using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.Orchestrator.Nodes;

/// <summary>Where compute nodes reach an orchestrator: the NATS server it uses, as multiaddrs ending in its peer ID.</summary>
public static class OrchestratorAddresses
{
    public static IReadOnlyList<string> Of(string? natsUrl, PeerId peer)
    {
        if (string.IsNullOrWhiteSpace(natsUrl))
        {
            return [];
        }

        var (urls, _) = NatsServerAddresses.Parse([natsUrl]);
        return [.. urls.Split(',').Select(url => new Uri(url)).Select(uri => Multiaddr.For(uri.Host, uri.Port, peer).ToString())];
    }
}
