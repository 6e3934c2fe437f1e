using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Contracts.Tests.Protocol;

public sealed class SubjectsTests
{
    [Fact]
    public void Subjects_follow_bacalhau_ncl_names()
    {
        Assert.Equal("bacalhau.global.compute.n-1.out.ctrl", Subjects.ControlOut("n-1"));
        Assert.Equal("bacalhau.global.compute.n-1.in.msgs", Subjects.DataIn("n-1"));
        Assert.Equal("bacalhau.global.compute.n-1.out.msgs", Subjects.DataOut("n-1"));
    }

    [Theory]
    [InlineData("bacalhau.global.compute.n-1.out.ctrl", "n-1")]
    [InlineData("bacalhau.global.compute..out.ctrl", null)]
    [InlineData("other.subject", null)]
    public void NodeIdOf_reads_the_node_token(string subject, string? expected) => Assert.Equal(expected, Subjects.NodeIdOf(subject));
}
