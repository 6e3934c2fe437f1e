using Bacalhau.Compute.Nodes;
using Bacalhau.Contracts.Models;

namespace Bacalhau.Compute.Tests.Nodes;

public sealed class AllocatedCapacityTests
{
    private static readonly Resources Machine = new() { CPU = 8, Memory = 16L << 30, Disk = 100L << 30, GPU = 3 };

    [Fact]
    public void Unset_a_node_offers_80_percent_of_CPU_memory_and_disk_and_every_GPU()
    {
        Assert.Equal(new Resources { CPU = 6.4, Memory = (long)((16L << 30) * 0.8), Disk = (long)((100L << 30) * 0.8), GPU = 3 }, new AllocatedCapacity().Of(Machine));
    }

    [Fact]
    public void Amounts_and_shares_are_taken_and_never_exceed_the_machine()
    {
        var capacity = new AllocatedCapacity { CPU = "1500m", Memory = "50%", Disk = "1Ti", GPU = "50%" }.Of(Machine);

        // Half of three GPUs rounds up to two, as Bacalhau rounds it.
        Assert.Equal(new Resources { CPU = 1.5, Memory = 8L << 30, Disk = 100L << 30, GPU = 2 }, capacity);
    }

    [Theory]
    [InlineData("CPU", "abc")]
    [InlineData("CPU", "120%")]
    [InlineData("CPU", "0")]
    [InlineData("Memory", "-1Gi")]
    [InlineData("Memory", "%")]
    [InlineData("Disk", "0%")]
    [InlineData("GPU", "1.5")]
    public void Bad_values_are_problems_naming_the_value(string resource, string value)
    {
        Assert.Contains($"'{value}'", AllocatedCapacity.Problem(resource, value), StringComparison.Ordinal);
        var options = new ComputeOptions();
        typeof(AllocatedCapacity).GetProperty(resource)!.SetValue(options.AllocatedCapacity, value);

        Assert.Equal(resource, Assert.Single(options.AllocatedCapacity.Problems()).Resource);
    }
}
