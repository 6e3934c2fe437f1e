using Bacalhau.Compute.Nodes.Gpus;

namespace Bacalhau.Compute.Tests.Nodes.Gpus;

public sealed class NvidiaSmiOutputTests
{
    [Fact]
    public void Each_line_is_one_GPU_whose_name_may_hold_commas_and_blanks()
    {
        var devices = NvidiaSmiOutput.Parse("0, Tesla T4, 15360\n1, NVIDIA H100 80GB HBM3, Rev 2, 81559\n\n");

        Assert.Equal([new GpuDevice(0, "Tesla T4", 15360), new GpuDevice(1, "NVIDIA H100 80GB HBM3, Rev 2", 81559)], devices);
        Assert.Equal(
            new Dictionary<string, string> { ["GPU-0"] = "Tesla-T4", ["GPU-0-Memory"] = "15360-MiB", ["GPU-1"] = "NVIDIA-H100-80GB-HBM3,-Rev-2", ["GPU-1-Memory"] = "81559-MiB" },
            NvidiaSmiOutput.Labels(devices).ToDictionary());
    }

    [Fact]
    public void No_output_is_no_GPU() => Assert.Empty(NvidiaSmiOutput.Parse(""));

    [Theory]
    [InlineData("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")]
    [InlineData("0, Tesla T4")]
    [InlineData("x, Tesla T4, 15360")]
    [InlineData("0, Tesla T4, [N/A]")]
    [InlineData("0, , 15360")]
    public void Anything_else_is_refused_naming_the_line(string line)
    {
        var error = Assert.Throws<FormatException>(() => NvidiaSmiOutput.Parse(line));

        Assert.Contains(line, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_GPUs_than_any_machine_has_are_not_believed() =>
        Assert.Throws<FormatException>(() => NvidiaSmiOutput.Parse(string.Concat(Enumerable.Range(0, NvidiaSmiOutput.MostDevices + 1).Select(i => $"{i}, T4, 1\n"))));
}
