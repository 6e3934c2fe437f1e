namespace Bacalhau.Contracts.Api;

/// <summary>
/// A node's identity, as <c>GET /api/v1/id</c> and <c>bacalhau id</c> show it: its node ID, its libp2p-style peer
/// ID, the marshalled public key (base64) the peer ID is derived from, and the multiaddrs of its NATS server.
/// </summary>
public sealed record NodeIdentityResponse
{
    public required string ID { get; set; }
    public required string PeerID { get; set; }
    public required string PublicKey { get; set; }
    public IReadOnlyList<string> Addresses { get; set; } = [];
}
