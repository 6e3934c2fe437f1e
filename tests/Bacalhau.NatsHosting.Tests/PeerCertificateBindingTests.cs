using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bacalhau.Identity;

namespace Bacalhau.NatsHosting.Tests;

/// <summary>The NATS server certificate's binding to the orchestrator's peer ID, as a pinning node checks it.</summary>
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
    public void The_issued_server_certificate_passes_for_the_orchestrators_peer()
    {
        using var server = Issue(_orchestrator);

        Assert.Null(PeerCertificateBinding.Verify(server, [_orchestrator.PeerId], DateTimeOffset.UtcNow));
        Assert.Null(PeerCertificateBinding.Verify(server, [_other.PeerId, _orchestrator.PeerId], DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Another_peer_is_refused_naming_both()
    {
        using var server = Issue(_orchestrator);

        Assert.Equal(
            $"its certificate belongs to peer {_orchestrator.PeerId}, not {_other.PeerId}",
            PeerCertificateBinding.Verify(server, [_other.PeerId], DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_certificate_without_a_binding_is_refused()
    {
        using var plain = SelfSigned("CN=plain");

        Assert.StartsWith("its certificate is not bound to any peer ID", PeerCertificateBinding.Verify(plain, [_orchestrator.PeerId], DateTimeOffset.UtcNow), StringComparison.Ordinal);
    }

    [Fact]
    public void A_binding_copied_onto_a_certificate_of_another_key_is_refused()
    {
        using var real = Issue(_orchestrator);

        // The binding is public: an impostor copies it into a certificate of its own key (any CA, the cluster's name).
        using var impostor = SelfSigned("CN=bacalhau nats-server", real.Extensions[PeerCertificateBinding.Oid]!);

        Assert.Equal(
            $"its certificate's key is not signed by peer {_orchestrator.PeerId}",
            PeerCertificateBinding.Verify(impostor, [_orchestrator.PeerId], DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_certificate_out_of_its_validity_is_refused()
    {
        using var server = Issue(_orchestrator);

        Assert.StartsWith("its certificate is valid from", PeerCertificateBinding.Verify(server, [_orchestrator.PeerId], server.NotAfter.AddDays(1)), StringComparison.Ordinal);
        Assert.StartsWith("its certificate is valid from", PeerCertificateBinding.Verify(server, [_orchestrator.PeerId], server.NotBefore.AddDays(-1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_binding_that_is_not_DER_is_refused_saying_so()
    {
        using var garbled = SelfSigned("CN=garbled", new X509Extension(PeerCertificateBinding.Oid, [0x30, 0x05, 0x04], false));

        Assert.StartsWith("its certificate's peer binding cannot be read", PeerCertificateBinding.Verify(garbled, [_orchestrator.PeerId], DateTimeOffset.UtcNow), StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_CA_is_kept_unchanged_across_starts_and_each_server_certificate_is_bound_and_chains_to_it()
    {
        using var first = Issue(_orchestrator);
        var caFile = Path.Combine(_directory, NatsClusterCertificates.CaFileName);
        var before = File.ReadAllText(caFile);

        using var second = Issue(_orchestrator);

        Assert.Equal(before, File.ReadAllText(caFile));
        Assert.Null(PeerCertificateBinding.Verify(second, [_orchestrator.PeerId], DateTimeOffset.UtcNow));
        // A node holding a copy of that CA keeps trusting the server.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPem(before);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(second), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    /// <summary>Issues the server certificate as the orchestrator does and reads it back as nats-server presents it.</summary>
    private X509Certificate2 Issue(NodeKey key) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(NatsClusterCertificates.Issue(_directory, "127.0.0.1", key).CertFile));

    private static X509Certificate2 SelfSigned(string subject, params X509Extension[] extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
