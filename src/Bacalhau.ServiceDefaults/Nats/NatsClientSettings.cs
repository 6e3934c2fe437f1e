using System.Net.Security;
using NATS.Client.Core;

namespace Bacalhau.ServiceDefaults.Nats;

/// <summary>Settings of the process-wide NATS connection, bound from the <c>Nats</c> section and the connection string.</summary>
public sealed class NatsClientSettings
{
    /// <summary>Server addresses, comma-separated; see <see cref="NatsServerAddresses"/> for the accepted forms.</summary>
    public string? Url { get; set; }

    /// <summary>Auth token; a token inside <see cref="Url"/> takes precedence.</summary>
    public string? Token { get; set; }

    /// <summary>Client name shown by the server's monitoring.</summary>
    public string? ClientName { get; set; }

    /// <summary>Prefix of reply subjects; a compute node's own, since its credentials let it receive no other.</summary>
    public string? InboxPrefix { get; set; }

    /// <summary>PEM file of the CA the server's certificate must chain to; when set, the connection requires TLS.</summary>
    public string? CaFile { get; set; }

    public bool DisableHealthChecks { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connect over TLS only, also without <see cref="CaFile"/> (a node that checks the server by <see cref="CertificateCheck"/>).</summary>
    public bool RequireTls { get; set; }

    /// <summary>
    /// Adds a check of the server's certificate to the TLS options (a compute node pinning its orchestrator's peer ID);
    /// it runs whenever the connection uses TLS, which the server decides unless TLS is required.
    /// </summary>
    public Func<SslClientAuthenticationOptions, ValueTask>? CertificateCheck { get; set; }

    /// <summary>TLS of every connection to the cluster's server (see <see cref="TlsTrusting"/>).</summary>
    public NatsTlsOpts TlsOpts()
    {
        var tls = TlsTrusting(CaFile);
        if (CertificateCheck is null && !RequireTls)
        {
            return tls;
        }

        // NATS.Net would take a configure callback alone for TLS required; the mode here says what is.
        return tls with
        {
            ConfigureClientAuthentication = CertificateCheck,
            Mode = RequireTls || tls.Mode == TlsMode.Require ? TlsMode.Require : TlsMode.Prefer,
        };
    }

    /// <summary>Required and checked against <paramref name="caFile"/> when one is given, else as the URL's scheme says.</summary>
    public static NatsTlsOpts TlsTrusting(string? caFile) =>
        caFile is { Length: > 0 } ? NatsTlsOpts.Default with { CaFile = caFile, Mode = TlsMode.Require } : NatsTlsOpts.Default;
}
