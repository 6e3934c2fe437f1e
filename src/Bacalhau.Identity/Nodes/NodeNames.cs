namespace Bacalhau.Identity.Nodes;

/// <summary>
/// Bacalhau's <c>NameProvider</c>: how a new node is named. <c>puuid</c> (<c>n-</c> and a UUID), <c>uuid</c> and
/// <c>hostname</c> are Bacalhau's providers; unset, a node takes its peer ID, which the seed documents' <c>--peer
/// .../p2p/&lt;id&gt;</c> addresses rely on; any other value is the node ID itself.
/// </summary>
public static class NodeNames
{
    public const string PrefixedUuid = "puuid";
    public const string Uuid = "uuid";
    public const string Hostname = "hostname";

    public static string Generate(string? provider, PeerId peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return provider?.Trim() switch
        {
            null or "" => peer.Text,
            var p when p.Equals(PrefixedUuid, StringComparison.OrdinalIgnoreCase) => $"n-{Guid.NewGuid()}",
            var p when p.Equals(Uuid, StringComparison.OrdinalIgnoreCase) => Guid.NewGuid().ToString(),
            var p when p.Equals(Hostname, StringComparison.OrdinalIgnoreCase) => Environment.MachineName,
            var name => name,
        };
    }
}
