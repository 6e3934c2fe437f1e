using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.Tests;

public sealed class ResourceParserTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("1", 1)]
    [InlineData("0.5", 0.5)]
    [InlineData("500m", 0.5)]
    [InlineData("250M", 0.25)]
    [InlineData(" 2 ", 2)]
    [InlineData("1.5", 1.5)]
    public void Cpu_parses_as_cores(string text, double cores)
    {
        Assert.True(ResourceParser.TryParseCpu(text, out var parsed));
        Assert.Equal(cores, parsed, 9);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("m")]
    [InlineData("1 core")]
    public void Cpu_refuses_what_is_not_an_amount_of_cores(string text)
    {
        Assert.False(ResourceParser.TryParseCpu(text, out _));
    }

    [Theory]
    [InlineData("", 0L)]
    [InlineData("1024", 1024L)]
    [InlineData("1024b", 1024L)]
    [InlineData("1kb", 1_000L)]
    [InlineData("1Ki", 1_024L)]
    [InlineData("100mb", 100_000_000L)]
    [InlineData("512Mi", 512L * 1024 * 1024)]
    [InlineData("1Gb", 1_000_000_000L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1g", 1_000_000_000L)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1gi", 1L << 30)]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData("2 TiB", 2L << 40)]
    [InlineData("1t", 1_000_000_000_000L)]
    public void Byte_sizes_use_decimal_units_and_binary_i_units(string text, long bytes)
    {
        Assert.True(ResourceParser.TryParseBytes(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1Gb")]
    [InlineData("1Xb")]
    [InlineData("5ib")]
    [InlineData("1..2Gb")]
    [InlineData("Gb")]
    [InlineData("100000000Eb")]
    public void Byte_sizes_refuse_what_is_not_a_size(string text)
    {
        Assert.False(ResourceParser.TryParseBytes(text, out _));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("0", 0)]
    [InlineData("2", 2)]
    public void Gpu_parses_as_a_count(string text, int count)
    {
        Assert.True(ResourceParser.TryParseGpu(text, out var parsed));
        Assert.Equal(count, parsed);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("one")]
    public void Gpu_refuses_what_is_not_a_whole_number(string text)
    {
        Assert.False(ResourceParser.TryParseGpu(text, out _));
    }

    [Fact]
    public void Parse_converts_every_field()
    {
        var resources = ResourceParser.Parse(new ResourcesConfig { CPU = "250m", Memory = "1Gi", Disk = "10GB", GPU = "1" });

        Assert.Equal(new Resources { CPU = 0.25, Memory = 1L << 30, Disk = 10_000_000_000L, GPU = 1 }, resources);
    }

    [Fact]
    public void TryParse_names_each_bad_field()
    {
        Assert.False(ResourceParser.TryParse(new ResourcesConfig { CPU = "lots", Memory = "1Gi", Disk = "big", GPU = "x" }, out _, out var errors));

        Assert.Equal(
            [
                "CPU: 'lots' is not a number of cores such as 1, 0.5 or 500m",
                "Disk: 'big' is not a size such as 10Gi, 500Mb or 1073741824",
                "GPU: 'x' is not a whole number of GPUs",
            ],
            errors);
        Assert.Throws<FormatException>(() => ResourceParser.Parse(new ResourcesConfig { Memory = "big" }));
    }
}
