using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Bacalhau.Identity;
using Bacalhau.NatsHosting;

namespace Bacalhau.Compute.Transport;

/// <summary>
/// TLS to NATS pinned to the peer IDs this node was given (<c>--peer .../p2p/&lt;id&gt;</c>): the server's certificate
/// must be bound to one of them (<see cref="PeerCertificateBinding"/>) and the handshake proves the server holds that
/// certificate's key, so no CA file is needed and no other server passes. With <c>Compute.TLS.CACert</c> as well,
/// NATS.Net's check against that file must pass too.
/// </summary>
internal sealed class OrchestratorCertificatePin(IReadOnlyCollection<PeerId> expected)
{
    public ValueTask ConfigureAsync(SslClientAuthenticationOptions options)
    {
        var caFileCheck = options.RemoteCertificateValidationCallback;
        var host = options.TargetHost;
        options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            var refusal = certificate is X509Certificate2 server
                ? PeerCertificateBinding.Verify(server, expected, DateTimeOffset.UtcNow)
                : "it presented no certificate";
            if (refusal is not null)
            {
                // Thrown rather than answered false, so that the reason reaches the node's log instead of a bare "rejected".
                throw new AuthenticationException($"refusing the TLS certificate of the NATS server at {host}: {refusal}");
            }

            return caFileCheck is null || caFileCheck(sender, certificate, chain, errors);
        };
        return ValueTask.CompletedTask;
    }
}
