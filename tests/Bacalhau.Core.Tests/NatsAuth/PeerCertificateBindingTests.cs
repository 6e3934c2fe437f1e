using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bacalhau.Core.Identity;
using Bacalhau.Core.NatsAuth;

namespace Bacalhau.Core.Tests.NatsAuth;

/// <summary>The server certificate's binding of the cluster CA to the orchestrator's peer ID, as a pinning node checks it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PeerCertificateBindingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-nats-pin-").FullName;
    private readonly NodeKey _orchestrator;
    private readonly NodeKey _other;

    public PeerCertificateBindingTests()
    {
        _orchestrator = NodeKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_directory, "orchestrator")).FullName, NodeKey.DefaultPort);
        _other = NodeKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_directory, "other")).FullName, NodeKey.DefaultPort);
    }

    public void Dispose()
    {
        _orchestrator.Dispose();
        _other.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void The_issued_server_certificate_passes_for_the_orchestrators_peer_and_presents_its_CA()
    {
        var (server, presented) = Issue(_orchestrator);

        Assert.Null(PeerCertificateBinding.Verify(server, presented, [_orchestrator.PeerId]));
        Assert.Null(PeerCertificateBinding.Verify(server, presented, [_other.PeerId, _orchestrator.PeerId]));
    }

    [Fact]
    public void Another_peer_is_refused_naming_both()
    {
        var (server, presented) = Issue(_orchestrator);

        Assert.Equal(
            $"its certificate belongs to peer {_orchestrator.PeerId}, not {_other.PeerId}",
            PeerCertificateBinding.Verify(server, presented, [_other.PeerId]));
    }

    [Fact]
    public void A_server_that_does_not_present_the_CA_is_refused()
    {
        var (server, _) = Issue(_orchestrator);

        Assert.Equal(
            $"it did not present a CA certificate that peer {_orchestrator.PeerId} signed",
            PeerCertificateBinding.Verify(server, [server], [_orchestrator.PeerId]));
    }

    [Fact]
    public void A_certificate_without_a_binding_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var plain = new CertificateRequest("CN=plain", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        Assert.StartsWith("its certificate is not bound to any peer ID", PeerCertificateBinding.Verify(plain, [plain], [_orchestrator.PeerId]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_copied_binding_on_a_certificate_of_another_CA_is_refused_even_beside_the_real_CA()
    {
        var (real, presented) = Issue(_orchestrator);
        var realCa = presented.Single(c => c.SubjectName.Name == c.IssuerName.Name);

        // An impostor with a CA of its own copies the orchestrator's binding (it is public) into its certificate.
        using var impostorCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(realCa.SubjectName, impostorCaKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var impostorCa = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bacalhau nats-server", impostorKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(real.Extensions[PeerCertificateBinding.Oid]!);
        using var impostor = request.Create(impostorCa, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        Assert.Equal(
            $"it did not present a CA certificate that peer {_orchestrator.PeerId} signed",
            PeerCertificateBinding.Verify(impostor, [impostor, impostorCa], [_orchestrator.PeerId]));
        // Presenting the real CA (public too) beside its own does not help: the certificate does not chain to it.
        Assert.StartsWith(
            $"its certificate does not chain to the CA of peer {_orchestrator.PeerId}",
            PeerCertificateBinding.Verify(impostor, [impostor, realCa, impostorCa], [_orchestrator.PeerId]));
    }

    [Fact]
    public void A_CA_of_an_earlier_start_is_kept_unchanged_and_the_new_server_certificate_is_bound_to_it()
    {
        Issue(_orchestrator);
        var caFile = Path.Combine(_directory, NatsClusterCertificates.CaFileName);
        var before = File.ReadAllText(caFile);

        var (server, presented) = Issue(_orchestrator);

        Assert.Equal(before, File.ReadAllText(caFile));
        Assert.Null(PeerCertificateBinding.Verify(server, presented, [_orchestrator.PeerId]));
        var ca = new X509Certificate2Collection();
        ca.ImportFromPem(before);
        Assert.Contains(presented, c => c.RawData.AsSpan().SequenceEqual(ca.Single().RawData));
    }

    [Fact]
    public void A_binding_that_is_not_DER_is_refused_saying_so()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var request = new CertificateRequest("CN=garbled", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(PeerCertificateBinding.Oid, [0x30, 0x05, 0x04], false));
        using var garbled = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        Assert.StartsWith("its certificate's peer binding cannot be read", PeerCertificateBinding.Verify(garbled, [garbled], [_orchestrator.PeerId]), StringComparison.Ordinal);
    }

    /// <summary>Issues the server certificate as the orchestrator does and reads back what nats-server presents: the certificate file's chain.</summary>
    private (X509Certificate2 Server, X509Certificate2Collection Presented) Issue(NodeKey key)
    {
        var tls = NatsClusterCertificates.Issue(_directory, "127.0.0.1", key);
        var presented = new X509Certificate2Collection();
        presented.ImportFromPemFile(tls.CertFile);
        return (presented[0], presented);
    }
}
