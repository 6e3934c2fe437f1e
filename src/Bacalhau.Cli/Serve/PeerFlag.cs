using Bacalhau.Client;
using Bacalhau.Identity;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// <c>--peer</c>: comma-separated multiaddrs of orchestrators' NATS servers (<c>/ip4/&lt;ip&gt;/tcp/4222[/p2p/&lt;id&gt;]</c>),
/// or, in the seed documents' form, of an orchestrator's REST API (<c>/ip4/&lt;ip&gt;/tcp/1234/http</c>, or <c>/https</c>):
/// that API is asked for the orchestrator's peer ID and NATS port, and the node joins that server, pinned to that peer.
/// A typo is a one-line error naming the flag.
/// </summary>
internal static class PeerFlag
{
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Checks every address; returns them as NATS multiaddrs once the API forms are asked.</summary>
    public static async Task<string> ResolveAsync(IReadOnlyList<string> addresses, BacalhauClientOptions clientOptions, CancellationToken cancellationToken)
    {
        var resolved = new List<string>();
        foreach (var address in addresses)
        {
            resolved.Add(ApiAddress(address) is { } api ? await AskAsync(address, api, clientOptions, cancellationToken) : address);
        }

        return string.Join(',', resolved);
    }

    /// <summary>The addresses, each checked, in their canonical form.</summary>
    public static IReadOnlyList<string> Split(string value)
    {
        var addresses = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
        {
            throw new CliException("--peer: no multiaddr was given (expected /ip4/<ip>/tcp/<port>[/p2p/<peer ID>] or /ip4/<ip>/tcp/<API port>/http, comma-separated)");
        }

        try
        {
            return [.. addresses.Select(a => ApiAddress(a) is { } api ? $"{api.Address}/{api.Scheme}" : Multiaddr.Parse(a).ToString())];
        }
        catch (FormatException ex)
        {
            throw new CliException($"--peer: {ex.Message}");
        }
    }

    /// <summary>The REST API a <c>.../http</c> or <c>.../https</c> multiaddr names; null for a NATS multiaddr.</summary>
    private static (Multiaddr Address, string Scheme)? ApiAddress(string text)
    {
        var trimmed = text.Trim().TrimEnd('/');
        var scheme = trimmed.EndsWith("/https", StringComparison.Ordinal) ? Uri.UriSchemeHttps
            : trimmed.EndsWith("/http", StringComparison.Ordinal) ? Uri.UriSchemeHttp
            : null;
        if (scheme is null)
        {
            return null;
        }

        var address = Multiaddr.Parse(trimmed[..^(scheme.Length + 1)]);
        return address.Peer is null
            ? (address, scheme)
            : throw new FormatException($"'{text}' names a REST API, which has no /p2p/ part: give /p2p/<peer ID> with the NATS port instead");
    }

    private static async Task<string> AskAsync(string text, (Multiaddr Address, string Scheme) api, BacalhauClientOptions clientOptions, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(api.Scheme, api.Address.Host, api.Address.Port).Uri;
        try
        {
            var client = BacalhauClient.Create(uri, LookupTimeout, clientOptions);
            var identity = await client.IdentityAsync(cancellationToken);
            var peer = PeerId.TryParse(identity.PeerID, out var badPeer) ?? throw new FormatException($"its peer ID is invalid: {badPeer}");
            var nats = identity.Addresses.Select(Multiaddr.Parse).FirstOrDefault()
                ?? throw new FormatException("it reports no NATS address: it is no orchestrator");
            // The host the user reached the API at: the orchestrator may know itself only as 127.0.0.1 or 0.0.0.0.
            return (api.Address with { Port = nats.Port, Peer = peer }).ToString();
        }
        catch (Exception ex) when (ex is HttpRequestException or BacalhauApiException or OrchestratorUnreachableException or FormatException or System.Text.Json.JsonException
            or TaskCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            throw new CliException($"--peer {text}: cannot learn the orchestrator's peer ID and NATS port from {uri}: {ex.Message}");
        }
    }
}
