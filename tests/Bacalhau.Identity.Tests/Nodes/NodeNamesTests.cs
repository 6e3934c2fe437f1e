using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

public sealed class NodeNamesTests
{
    private static readonly PeerId Peer = PeerId.TryParse("QmdZQ7ZbhnvWY1J12XYKGHApJ6aufKyLNSvf8jZBrBaAVL", out _)!;

    [Fact]
    public void Unset_a_node_is_named_by_its_peer_ID() => Assert.Equal(Peer.Text, NodeNames.Generate(null, Peer));

    [Fact]
    public void Bacalhau_s_providers_name_it_by_a_UUID_or_the_host_name()
    {
        Assert.Matches("^n-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", NodeNames.Generate("puuid", Peer));
        Assert.True(Guid.TryParse(NodeNames.Generate("UUID", Peer), out _));
        Assert.NotEqual(NodeNames.Generate("uuid", Peer), NodeNames.Generate("uuid", Peer));
        Assert.Equal(Environment.MachineName, NodeNames.Generate("hostname", Peer));
    }

    [Fact]
    public void Any_other_value_is_the_name_itself() => Assert.Equal("edge-7", NodeNames.Generate(" edge-7 ", Peer));
}
