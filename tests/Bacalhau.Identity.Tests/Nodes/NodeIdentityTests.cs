using Bacalhau.Contracts.Models;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

public sealed class NodeIdentityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-identity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Node_id_is_created_once_and_kept_across_loads()
    {
        var first = SystemMetadata.GetOrCreateNodeId(_dir, NodeIds.NewComputeNodeId);
        var second = SystemMetadata.GetOrCreateNodeId(_dir, () => throw new InvalidOperationException("must not create twice"));

        Assert.Equal(first, second);
        Assert.Contains($"NodeID: {first}", File.ReadAllText(Path.Combine(_dir, SystemMetadata.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_metadata_is_a_clear_error_not_a_new_identity()
    {
        File.WriteAllText(Path.Combine(_dir, SystemMetadata.FileName), "NodeID: [unclosed");

        var error = Assert.Throws<InvalidDataException>(() => SystemMetadata.GetOrCreateNodeId(_dir, NodeIds.NewComputeNodeId));
        Assert.Contains(SystemMetadata.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_sharing_a_directory_claim_distinct_slots_and_a_freed_slot_is_reused()
    {
        using var first = ReplicaSlot.Claim(_dir);
        var second = ReplicaSlot.Claim(_dir);
        Assert.NotEqual(first.Directory, second.Directory);

        var freed = second.Directory;
        second.Dispose();
        using var third = ReplicaSlot.Claim(_dir);
        Assert.Equal(freed, third.Directory);
    }

    [Theory]
    [InlineData("n-1", true)]
    [InlineData("a.b", false)]
    [InlineData("a*", false)]
    [InlineData("a>", false)]
    [InlineData("", false)]
    public void Node_ids_usable_in_subjects_are_accepted(string nodeId, bool valid) => Assert.Equal(valid, NodeIds.Validate(nodeId) is null);
}
