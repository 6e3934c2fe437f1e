using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bacalhau.Identity;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.NatsHosting;

/// <summary>The PEM files of a NATS server's TLS: the cluster CA that clients trust, and the server's certificate and key.</summary>
public sealed record NatsServerTls(string CaFile, string CertFile, string KeyFile);

/// <summary>
/// The cluster's own CA (ECDSA P-256), created once in the keys directory, and the NATS server's certificate it
/// signs. The server certificate is issued again at every start, so its names follow the listen address and the
/// machine's addresses, and it is bound to the orchestrator's peer ID (<see cref="PeerCertificateBinding"/>); the CA
/// stays, so nodes keep trusting it.
/// </summary>
internal static class NatsClusterCertificates
{
    public const string CaFileName = "ca.pem";
    private const string CaKeyFileName = "ca-key.pem";
    private const string CertFileName = "server.pem";
    private const string KeyFileName = "server-key.pem";

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// Creates the CA in <paramref name="directory"/> when missing and issues the server's certificate for
    /// <paramref name="host"/>, bound to <paramref name="nodeKey"/>'s peer ID.
    /// </summary>
    public static NatsServerTls Issue(string directory, string host, NodeKey nodeKey)
    {
        using var ca = LoadOrCreateCa(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bacalhau nats-server", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(host));
        request.CertificateExtensions.Add(PeerCertificateBinding.Create(nodeKey, request.PublicKey));

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(ca, now.AddMinutes(-5), now + ServerLifetime, RandomNumberGenerator.GetBytes(16));
        var tls = new NatsServerTls(Path.Combine(directory, CaFileName), Path.Combine(directory, CertFileName), Path.Combine(directory, KeyFileName));
        AtomicFile.Write(tls.KeyFile, key.ExportPkcs8PrivateKeyPem(), overwrite: true, ownerOnly: true);
        AtomicFile.Write(tls.CertFile, certificate.ExportCertificatePem(), overwrite: true, ownerOnly: true);
        return tls;
    }

    private static X509Certificate2 LoadOrCreateCa(string directory)
    {
        var keyPem = AtomicFile.ReadOrCreate(Path.Combine(directory, CaKeyFileName), () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return created.ExportPkcs8PrivateKeyPem();
        }, ownerOnly: true);
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        var caFile = Path.Combine(directory, CaFileName);
        if (File.Exists(caFile))
        {
            // The certificate alone: CreateFromPemFile without a key file would look for the key in this file too.
            using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            if (existing.GetECDsaPublicKey()?.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()) == true)
            {
                return existing.CopyWithPrivateKey(key);
            }
        }

        var request = new CertificateRequest("CN=bacalhau cluster CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
        // Public, but written the same atomic way: a half-written CA must never be trusted.
        AtomicFile.Write(caFile, ca.ExportCertificatePem(), overwrite: true, ownerOnly: true);
        return ca;
    }

    /// <summary>The listen host, loopback, localhost and the machine's name; every local address when the server listens on all.</summary>
    private static X509Extension SubjectAlternativeNames(string host)
    {
        var names = new SubjectAlternativeNameBuilder();
        var addresses = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        var dnsNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", Environment.MachineName };
        var trimmed = host.Trim('[', ']');
        if (IPAddress.TryParse(trimmed, out var listen))
        {
            if (listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any))
            {
                addresses.UnionWith(NetworkInterface.GetAllNetworkInterfaces()
                    .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                    .Select(a => a.Address)
                    .Where(a => !a.IsIPv6LinkLocal));
            }
            else
            {
                addresses.Add(listen);
            }
        }
        else if (trimmed.Length > 0)
        {
            dnsNames.Add(trimmed);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        return names.Build();
    }
}
