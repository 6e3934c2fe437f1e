using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

public sealed class NodeIdentityResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-resolver-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Replicas_sharing_a_data_dir_each_get_a_slot_key_and_node_id_of_their_own()
    {
        var resolver = Resolver();

        var first = resolver.Resolve("compute", claimReplicaSlot: true);
        var second = resolver.Resolve("compute", claimReplicaSlot: true);

        using (first.Slot)
        using (second.Slot)
        {
            Assert.NotEqual(first.DataDir, second.DataDir);
            Assert.NotEqual(first.Key.PeerId, second.Key.PeerId);
            Assert.Equal([first.Key.PeerId.Text, second.Key.PeerId.Text], [first.NodeId, second.NodeId]);
            Assert.All([first.DataDir, second.DataDir], dir => Assert.StartsWith(Path.Combine(_dir, "compute"), dir, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_new_node_takes_its_configured_name_and_keeps_it()
    {
        var named = Resolver(("NameProvider", "edge-1")).Resolve("orchestrator", claimReplicaSlot: false);
        var again = Resolver(("NameProvider", "edge-2")).Resolve("orchestrator", claimReplicaSlot: false);

        Assert.Equal("edge-1", named.NodeId);
        Assert.Equal("edge-1", again.NodeId);
        Assert.Equal(named.Key.PeerId, again.Key.PeerId);
        Assert.Null(named.Slot);
    }

    [Fact]
    public void A_node_id_nats_cannot_carry_is_refused_naming_the_metadata_file()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolver(("NameProvider", "a.b")).Resolve("compute", claimReplicaSlot: false));

        Assert.Contains(Path.Combine(_dir, "compute", SystemMetadata.FileName), error.Message, StringComparison.Ordinal);
    }

    private NodeIdentityResolver Resolver(params (string Key, string Value)[] settings)
    {
        var all = settings.Append(("DataDir", _dir)).ToDictionary(s => s.Item1, s => s.Item2);
        return new NodeIdentityResolver(key => all.GetValueOrDefault(key));
    }
}
