using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Bacalhau.Core.Identity;

namespace Bacalhau.Core.NatsAuth;

/// <summary>
/// Binds the cluster CA to the orchestrator's peer ID, so that a node given <c>/p2p/&lt;id&gt;</c> can trust the NATS
/// server's TLS without a CA file. The server certificate carries an extension holding the orchestrator's libp2p
/// public key and its signature (PKCS#1 v1.5, SHA-256, behind a context string) of the CA's SubjectPublicKeyInfo.
/// It rides on the server certificate, issued at every start, rather than on the CA, so an existing CA and the
/// copies of it that nodes hold stay as they are. A node accepts the server when that key is one of the expected
/// peers, the signature verifies over a CA the server presented, and the server certificate chains to that CA.
/// </summary>
public static class PeerCertificateBinding
{
    /// <summary>A UUID-based OID (ITU-T X.667, arc 2.25): ours without registration.</summary>
    public const string Oid = "2.25.195119699357596543785387107660231218790";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    // Distinct from every other context the node key signs behind, so a signature here means nothing elsewhere.
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("bacalhau-nats-cluster-ca:");

    /// <summary>The extension of a server certificate of <paramref name="ca"/> that proves <paramref name="key"/>'s peer vouches for that CA.</summary>
    public static X509Extension Create(NodeKey key, X509Certificate2 ca)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(key.PublicKey);
            writer.WriteOctetString(key.Sign(SignedBytes(ca)));
        }

        return new X509Extension(Oid, writer.Encode(), critical: false);
    }

    /// <summary>
    /// Null when <paramref name="server"/> is bound to one of <paramref name="expected"/> and chains to the CA it is bound
    /// to, found among <paramref name="presented"/> (the certificates the server sent); else why not.
    /// </summary>
    public static string? Verify(X509Certificate2 server, X509Certificate2Collection presented, IReadOnlyCollection<PeerId> expected)
    {
        if (server.Extensions[Oid] is not { } extension)
        {
            return "its certificate is not bound to any peer ID (not a NATS server of a Bacalhau.NET orchestrator that pins its CA)";
        }

        byte[] publicKey;
        byte[] signature;
        PeerId peer;
        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            publicKey = sequence.ReadOctetString();
            signature = sequence.ReadOctetString();
            sequence.ThrowIfNotEmpty();
            peer = PeerId.FromPublicKey(publicKey);
        }
        catch (AsnContentException ex)
        {
            return $"its certificate's peer binding cannot be read ({ex.Message})";
        }

        if (!expected.Contains(peer))
        {
            return $"its certificate belongs to peer {peer}, not {string.Join(" or ", expected)}";
        }

        var ca = presented.FirstOrDefault(c => IsSignedBy(c, publicKey, signature));
        if (ca is null)
        {
            return $"it did not present a CA certificate that peer {peer} signed";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.ExtraStore.AddRange(presented);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
        if (!chain.Build(server) || !chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
            return $"its certificate does not chain to the CA of peer {peer}{(status.Length > 0 ? $" ({status})" : "")}";
        }

        return null;
    }

    private static bool IsSignedBy(X509Certificate2 ca, byte[] publicKey, byte[] signature)
    {
        try
        {
            return NodeKey.Verify(publicKey, SignedBytes(ca), signature);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return false;
        }
    }

    private static byte[] SignedBytes(X509Certificate2 ca) => [.. Context, .. ca.PublicKey.ExportSubjectPublicKeyInfo()];
}
