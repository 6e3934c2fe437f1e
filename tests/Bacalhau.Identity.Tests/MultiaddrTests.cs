
namespace Bacalhau.Identity.Tests;

public sealed class MultiaddrTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/4222/p2p/" + Libp2pVectors.GoPeerId, "nats://127.0.0.1:4222", Libp2pVectors.GoPeerId)]
    [InlineData("/ip4/127.0.0.1/tcp/4222/ipfs/" + Libp2pVectors.GoPeerId, "nats://127.0.0.1:4222", Libp2pVectors.GoPeerId)]
    [InlineData("/dns4/localhost/tcp/4222", "nats://localhost:4222", null)]
    [InlineData("/ip6/::1/tcp/4223", "nats://[::1]:4223", null)]
    [InlineData("/dns/orchestrator.example/tcp/1235", "nats://orchestrator.example:1235", null)]
    public void Multiaddrs_give_the_nats_url_and_the_expected_peer(string text, string natsUrl, string? peer)
    {
        var address = Multiaddr.Parse(text);

        Assert.Equal(natsUrl, address.NatsUrl);
        Assert.Equal(peer, address.Peer?.Text);
        Assert.Equal(text.Replace("/ipfs/", "/p2p/", StringComparison.Ordinal), address.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:4222", "expected /ip4")]
    [InlineData("/ip4/127.0.0.1", "expected /ip4")]
    [InlineData("/ip4/300.0.0.1/tcp/4222", "'300.0.0.1' is not a valid /ip4 value")]
    [InlineData("/ip4/::1/tcp/4222", "'::1' is not a valid /ip4 value")]
    [InlineData("/ip4/127.0.0.1/udp/4222", "expected /tcp/<port>")]
    [InlineData("/ip4/127.0.0.1/tcp/99999", "'99999' is not a TCP port")]
    [InlineData("/ip4/127.0.0.1/tcp/4222/p2p/nope0", "is not a peer ID")]
    [InlineData("/ip4/127.0.0.1/tcp/4222/quic", "only /p2p/<peer ID> may follow the port")]
    [InlineData("/unix/tmp/sock/tcp/1", "unsupported protocol '/unix'")]
    public void Bad_multiaddrs_say_which_part_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Multiaddr.Parse(text));

        Assert.Contains($"'{text}' is not a valid multiaddr", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "/ip4/127.0.0.1/tcp/4222")]
    [InlineData("[::1]", "/ip6/::1/tcp/4222")]
    [InlineData("localhost", "/dns4/localhost/tcp/4222")]
    public void Addresses_of_a_host_and_port(string host, string expected) => Assert.Equal(expected, Multiaddr.For(host, 4222).ToString());
}
