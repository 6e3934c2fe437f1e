using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bacalhau.Identity;

/// <summary>
/// The multiaddrs a node is reached at: <c>/ip4|ip6|dns|dns4|dns6/&lt;host&gt;/tcp/&lt;port&gt;</c>, optionally ending in
/// <c>/p2p/&lt;peer ID&gt;</c> (or its old name <c>/ipfs/</c>), the peer the node there must prove to be.
/// </summary>
public sealed record Multiaddr(string Protocol, string Host, int Port, PeerId? Peer)
{
    private static readonly string[] HostProtocols = ["ip4", "ip6", "dns", "dns4", "dns6"];

    /// <summary>The host as a URI writes it: IPv6 addresses in brackets.</summary>
    public string UriHost => Protocol == "ip6" ? $"[{Host}]" : Host;

    /// <summary>The NATS URL of the server at this address.</summary>
    public string NatsUrl => $"nats://{UriHost}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static bool LooksLikeMultiaddr(string text) => text.TrimStart().StartsWith('/');

    /// <summary>The multiaddr of <paramref name="host"/>:<paramref name="port"/>, an IP address or a DNS name.</summary>
    public static Multiaddr For(string host, int port, PeerId? peer = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = host.Trim('[', ']');
        var protocol = IPAddress.TryParse(host, out var ip)
            ? ip.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip4"
            : "dns4";
        return new Multiaddr(protocol, ip?.ToString() ?? host, port, peer);
    }

    /// <summary>Parses <paramref name="text"/>; a <see cref="FormatException"/> says which part is wrong.</summary>
    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('/');
        if (parts.Length < 5 || parts[0].Length != 0)
        {
            throw Invalid(text, "expected /ip4/<address>/tcp/<port>[/p2p/<peer ID>] (or /ip6, /dns4, /dns6, /dns)");
        }

        var protocol = parts[1];
        if (!HostProtocols.Contains(protocol))
        {
            throw Invalid(text, $"unsupported protocol '/{protocol}': use /ip4, /ip6, /dns4, /dns6 or /dns");
        }

        var host = parts[2];
        var valid = protocol switch
        {
            "ip4" => IPAddress.TryParse(host, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && host.Count(c => c == '.') == 3,
            "ip6" => IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
            _ => Uri.CheckHostName(host) == UriHostNameType.Dns,
        };
        if (!valid)
        {
            throw Invalid(text, $"'{host}' is not a valid /{protocol} value");
        }

        if (parts[3] != "tcp")
        {
            throw Invalid(text, $"expected /tcp/<port> after the host, found '/{parts[3]}'");
        }

        if (!int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(text, $"'{parts[4]}' is not a TCP port");
        }

        PeerId? peer = null;
        if (parts.Length > 5)
        {
            if (parts.Length != 7 || parts[5] is not ("p2p" or "ipfs"))
            {
                throw Invalid(text, $"only /p2p/<peer ID> may follow the port, found '/{string.Join('/', parts[5..])}'");
            }

            peer = PeerId.TryParse(parts[6], out var error) ?? throw Invalid(text, error!);
        }

        return new Multiaddr(protocol, protocol == "ip6" ? IPAddress.Parse(host).ToString() : host, port, peer);
    }

    public override string ToString() =>
        $"/{Protocol}/{Host}/tcp/{Port.ToString(CultureInfo.InvariantCulture)}{(Peer is null ? "" : $"/p2p/{Peer}")}";

    private static FormatException Invalid(string text, string why) => new($"'{text}' is not a valid multiaddr: {why}");
}
