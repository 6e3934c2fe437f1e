using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Contracts.Tests.Serialization;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("00:00:15", 15_000)]
    public void Durations_are_read_as_go_writes_them(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("9999999999999h")]
    [InlineData("99999999999999999999999ns")]
    [InlineData("5000000000000000000m")]
    [InlineData("-1s")]
    [InlineData("soon")]
    public void What_is_not_a_duration_a_timespan_holds_is_none(string text)
    {
        Assert.Null(GoDuration.Parse(text));
    }
}
