using System.Text.Json;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Contracts.Tests.Models;

public sealed class ResourcesJsonTests
{
    [Fact]
    public void Zero_amounts_are_left_out_as_bacalhau_leaves_them_out()
    {
        var info = new ComputeNodeInfo { MaxCapacity = new Resources { CPU = 1.5, Memory = 1024 } };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(info, BacalhauJsonContext.Default.ComputeNodeInfo));

        Assert.Equal("{\"CPU\":1.5,\"Memory\":1024}", json.RootElement.GetProperty("MaxCapacity").GetRawText());
        Assert.Equal("{}", json.RootElement.GetProperty("QueueCapacity").GetRawText());
    }

    [Fact]
    public void Missing_amounts_read_as_zero()
    {
        var info = JsonSerializer.Deserialize("{\"MaxCapacity\":{\"GPU\":2},\"QueueCapacity\":{}}", BacalhauJsonContext.Default.ComputeNodeInfo)!;

        Assert.Equal(new Resources { GPU = 2 }, info.MaxCapacity);
        Assert.Equal(Resources.Zero, info.QueueCapacity);
    }
}
