using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Bacalhau.Identity;

namespace Bacalhau.NatsHosting;

/// <summary>
/// Binds the NATS server's TLS certificate to the orchestrator's peer ID as libp2p's TLS handshake does: the
/// certificate carries libp2p's public key extension (<c>SignedKey { publicKey, signature }</c>), the node's marshalled
/// public key and its signature of <c>"libp2p-tls-handshake:"</c> and the certificate's SubjectPublicKeyInfo. A node
/// given <c>/p2p/&lt;id&gt;</c> accepts the server when that key is one of the expected peers and the signature
/// verifies over the key the server proved it holds in the handshake; it needs no CA file. The certificate is issued
/// at every start, so an existing cluster CA, and the copies of it that nodes hold, stay as they are.
/// </summary>
public static class PeerCertificateBinding
{
    /// <summary>libp2p's public key extension (Protocol Labs' enterprise arc), as the libp2p TLS specification defines it.</summary>
    public const string Oid = "1.3.6.1.4.1.53594.1.1";

    private static readonly byte[] Context = Encoding.ASCII.GetBytes("libp2p-tls-handshake:");

    /// <summary>The extension of a certificate for <paramref name="certificateKey"/> that proves <paramref name="nodeKey"/>'s peer vouches for it.</summary>
    public static X509Extension Create(NodeKey nodeKey, PublicKey certificateKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(nodeKey.PublicKey);
            writer.WriteOctetString(nodeKey.Sign(SignedBytes(certificateKey)));
        }

        return new X509Extension(Oid, writer.Encode(), critical: false);
    }

    /// <summary>Null when <paramref name="server"/> is within its validity and bound to one of <paramref name="expected"/>; else why not.</summary>
    public static string? Verify(X509Certificate2 server, IReadOnlyCollection<PeerId> expected, DateTimeOffset now)
    {
        if (server.Extensions[Oid] is not { } extension)
        {
            return "its certificate is not bound to any peer ID (not the NATS server of an orchestrator that binds its certificate to its peer ID)";
        }

        byte[] publicKey;
        byte[] signature;
        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            publicKey = sequence.ReadOctetString();
            signature = sequence.ReadOctetString();
            sequence.ThrowIfNotEmpty();
        }
        catch (AsnContentException ex)
        {
            return $"its certificate's peer binding cannot be read ({ex.Message})";
        }

        var peer = PeerId.FromPublicKey(publicKey);
        if (!expected.Contains(peer))
        {
            return $"its certificate belongs to peer {peer}, not {string.Join(" or ", expected)}";
        }

        if (!IsSignedBy(server.PublicKey, publicKey, signature))
        {
            return $"its certificate's key is not signed by peer {peer}";
        }

        return now < server.NotBefore || now > server.NotAfter
            ? $"its certificate is valid from {server.NotBefore:u} to {server.NotAfter:u} only"
            : null;
    }

    private static bool IsSignedBy(PublicKey certificateKey, byte[] publicKey, byte[] signature)
    {
        try
        {
            return NodeKey.Verify(publicKey, SignedBytes(certificateKey), signature);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return false;
        }
    }

    private static byte[] SignedBytes(PublicKey certificateKey) => [.. Context, .. certificateKey.ExportSubjectPublicKeyInfo()];
}
