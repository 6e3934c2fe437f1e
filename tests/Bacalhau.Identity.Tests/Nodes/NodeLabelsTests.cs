using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

public sealed class NodeLabelsTests
{
    [Fact]
    public void Automatic_labels_are_Bacalhau_s_and_configured_ones_win()
    {
        var labels = NodeLabels.With(new Dictionary<string, string> { ["hostname"] = "mine", ["zone"] = "a" });

        Assert.Equal(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "windows", labels["Operating-System"]);
        Assert.Contains(labels["Architecture"], (string[])["amd64", "arm64", "386", "arm"]);
        Assert.Equal("mine", labels["hostname"]);
        Assert.Equal("a", labels["zone"]);
    }
}
