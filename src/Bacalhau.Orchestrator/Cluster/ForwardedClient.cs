using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// The client a follower passed a request on for. The follower names the client's address in <c>X-Forwarded-For</c>
/// and proves it with <c>X-Bacalhau-Forwarded: &lt;unix seconds&gt;:&lt;HMAC&gt;</c>, keyed with a key derived from the
/// secret the orchestrators share (<c>Orchestrator:Auth:Token</c>) over the address, the time, the method and the
/// path. The leader takes the address only with a valid, fresh proof, so per-client rate limits and failed-login
/// limits count the real client, and an ordinary client cannot choose the address it is counted under.
/// </summary>
internal sealed class ForwardedClient
{
    public const string ForHeader = "X-Forwarded-For";
    public const string ProofHeader = "X-Bacalhau-Forwarded";

    // Long enough for clocks a little apart, short enough that a proof seen on the wire is soon worthless.
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(1);
    private static readonly object ForwardedKey = new();

    private readonly byte[]? _key;
    private readonly TimeProvider _time;

    public ForwardedClient(IOptions<OrchestratorOptions> options, TimeProvider time)
    {
        _time = time;
        // A key of its own, so that a proof reveals nothing usable about the token.
        _key = options.Value.Auth.Token is { Length: > 0 } token
            ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "bacalhau forwarded client v1"u8)
            : null;
    }

    /// <summary>True when an orchestrator of the cluster passed this request on (see <see cref="ForwardedClientMiddleware"/>).</summary>
    public static bool WasForwarded(HttpContext context) => context.Items.ContainsKey(ForwardedKey);

    /// <summary>Names the client of <paramref name="context"/> on the request passed on to the leader, with its proof when there is a shared secret.</summary>
    public void Stamp(HttpRequestMessage request, HttpContext context)
    {
        var client = Normalise(context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
        request.Headers.TryAddWithoutValidation(ForHeader, client);
        if (_key is null)
        {
            return;
        }

        var seconds = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation(ProofHeader, $"{seconds.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(Proof(_key, client, seconds, context.Request))}");
    }

    /// <summary>
    /// When <paramref name="context"/> carries a valid proof, makes its client the one the follower named and marks
    /// it as forwarded; anything else (no secret, no or a stale or wrong proof) leaves the connection's address.
    /// </summary>
    public void Apply(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (_key is null || headers[ProofHeader] is not [{ } proof] || headers[ForHeader] is not [{ } client]
            || !IPAddress.TryParse(client, out var address))
        {
            return;
        }

        var colon = proof.IndexOf(':', StringComparison.Ordinal);
        Span<byte> given = stackalloc byte[32];
        if (colon <= 0
            || !long.TryParse(proof.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !Convert.TryFromBase64String(proof[(colon + 1)..], given, out var length) || length != given.Length
            || (_time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()))).Duration() > MaxSkew
            || !CryptographicOperations.FixedTimeEquals(given, Proof(_key, client, seconds, context.Request)))
        {
            return;
        }

        context.Connection.RemoteIpAddress = address;
        context.Items[ForwardedKey] = true;
    }

    private static byte[] Proof(byte[] key, string client, long seconds, HttpRequest request) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Join('\n', client, seconds.ToString(CultureInfo.InvariantCulture), request.Method, request.PathBase.Add(request.Path).Value)));

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
