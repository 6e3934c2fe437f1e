using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// Which orchestrators this node trusts. Orchestrators given as multiaddrs (<c>--peer</c>) must prove, before the
/// handshake, that they hold the key of a peer ID: the one after <c>/p2p/</c>, or else the one the orchestrator's REST
/// API (same host, <c>Compute.OrchestratorAPIPort</c>) reports now. Plain <c>host:port</c> addresses are trusted as before.
/// </summary>
public sealed class OrchestratorTrust(IReadOnlyList<Multiaddr> peers, IOptions<ComputeOptions> options) : IDisposable
{
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new() { Timeout = LookupTimeout };

    public bool IsRequired => peers.Count > 0;

    /// <summary>
    /// Splits the configured orchestrator addresses into NATS addresses and the peers behind the multiaddrs among them;
    /// a <see cref="FormatException"/> names the bad address.
    /// </summary>
    public static (IReadOnlyList<string> NatsAddresses, IReadOnlyList<Multiaddr> Peers) Parse(IEnumerable<string> configured)
    {
        var nats = new List<string>();
        var peers = new List<Multiaddr>();
        foreach (var address in configured.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (Multiaddr.LooksLikeMultiaddr(address))
            {
                var peer = Multiaddr.Parse(address);
                peers.Add(peer);
                nats.Add(peer.NatsUrl);
            }
            else
            {
                nats.Add(address);
            }
        }

        return (nats, peers);
    }

    /// <summary>The peer IDs an orchestrator may prove to be; when none can be had, why not.</summary>
    public async Task<(IReadOnlyList<PeerId> Expected, string? Error)> ExpectedPeersAsync(CancellationToken cancellationToken)
    {
        var expected = new List<PeerId>();
        var errors = new List<string>();
        foreach (var peer in peers)
        {
            if (peer.Peer is { } known)
            {
                expected.Add(known);
                continue;
            }

            var url = new Uri($"http://{peer.UriHost}:{options.Value.OrchestratorApiPort}/api/v1/id");
            try
            {
                var identity = await _http.GetFromJsonAsync(url, BacalhauJsonContext.Default.NodeIdentityResponse, cancellationToken);
                expected.Add(PeerId.TryParse(identity?.PeerID ?? "", out var error) ?? throw new FormatException(error));
            }
            catch (Exception ex) when (ex is HttpRequestException or FormatException or System.Text.Json.JsonException
                or TaskCanceledException { CancellationToken.IsCancellationRequested: false })
            {
                errors.Add($"cannot learn the peer ID of {peer} from {url} ({ex.Message}); give it as {peer}/p2p/<peer ID>, or set Compute.OrchestratorAPIPort");
            }
        }

        return (expected, expected.Count > 0 ? null : string.Join("; ", errors));
    }

    public void Dispose() => _http.Dispose();
}
