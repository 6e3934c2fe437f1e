
namespace Bacalhau.Identity.Tests;

public sealed class PeerIdTests
{
    [Theory]
    [InlineData(Libp2pVectors.GoPrivateKey, Libp2pVectors.GoPeerId)]
    [InlineData(Libp2pVectors.InteropPrivateKey, Libp2pVectors.InteropPeerId)]
    public void The_peer_id_of_a_published_libp2p_key_is_the_one_libp2p_computes(string privateKey, string peerId)
    {
        using var rsa = Libp2pKeys.UnmarshalPrivateKey(Convert.FromBase64String(privateKey));

        Assert.Equal(peerId, PeerId.FromPublicKey(Libp2pKeys.MarshalPublicKey(rsa)).Text);
    }

    [Fact]
    public void The_peer_id_of_a_published_public_key_is_its_sha256_multihash()
    {
        var publicKey = Convert.FromBase64String(Libp2pVectors.SamplePublicKey);

        var peerId = PeerId.FromPublicKey(publicKey);

        Assert.Equal(Libp2pVectors.SamplePeerIdHex, Convert.ToHexStringLower(Base58.TryDecode(peerId.Text)!));
        // The key re-marshalled from its RSA parameters is byte for byte what libp2p wrote.
        using var rsa = Libp2pKeys.UnmarshalPublicKey(publicKey);
        Assert.Equal(publicKey, Libp2pKeys.MarshalPublicKey(rsa));
    }

    [Fact]
    public void A_private_key_marshals_back_to_the_bytes_libp2p_wrote()
    {
        var marshalled = Convert.FromBase64String(Libp2pVectors.GoPrivateKey);
        using var rsa = Libp2pKeys.UnmarshalPrivateKey(marshalled);

        Assert.Equal(marshalled, Libp2pKeys.MarshalPrivateKey(rsa));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Qm0OIl")]
    [InlineData("QmRLoXS3E73psYaUsma1VSbboTa2J8Z9kso1tpiGLk9WQ")]
    [InlineData("n-8d1c3f7e")]
    public void Text_that_is_not_a_peer_id_is_refused(string text)
    {
        Assert.Null(PeerId.TryParse(text, out var error));
        Assert.Contains("is not a peer ID", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Base58_keeps_leading_zero_bytes()
    {
        byte[] data = [0, 0, 1, 2, 255];
        Assert.Equal(data, Base58.TryDecode(Base58.Encode(data)));
        Assert.StartsWith("11", Base58.Encode(data), StringComparison.Ordinal);
    }
}
