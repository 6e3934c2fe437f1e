using Bacalhau.Orchestrator.Api;

namespace Bacalhau.Orchestrator.Tests.Api;

/// <summary>The logs route's query as Bacalhau's clients send it, and a refusal naming the field for anything else.</summary>
public sealed class LogQueryTests
{
    [Theory]
    [InlineData(null, null, false, null)]
    [InlineData("true", "2", true, 2)]
    [InlineData("1", "true", true, 0)]
    [InlineData("False", "false", false, null)]
    [InlineData("t", "0", true, 0)]
    [InlineData("", "100000", false, 100_000)]
    [InlineData(null, "1", false, 1)]
    [InlineData(null, "", false, null)]
    public void Follow_and_tail_read_as_Bacalhau_binds_them(string? follow, string? tail, bool following, int? lines)
    {
        Assert.True(LogQuery.TryRead("e-1", follow, tail, out var query, out var error), error);

        Assert.Equal(new LogQuery("e-1", following, lines), query);
    }

    [Theory]
    [InlineData(null, "abc", "tail: 'abc'")]
    [InlineData(null, "-1", "tail: '-1'")]
    [InlineData(null, "100001", "tail: '100001'")]
    [InlineData(null, " 2", "tail: ' 2'")]
    [InlineData("maybe", null, "follow: 'maybe'")]
    public void Anything_else_is_refused_naming_the_field(string? follow, string? tail, string message)
    {
        Assert.False(LogQuery.TryRead(null, follow, tail, out _, out var error));

        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_execution_id_is_bounded_and_an_empty_one_means_the_latest()
    {
        Assert.False(LogQuery.TryRead(new string('e', 129), null, null, out _, out var error));
        Assert.StartsWith("execution_id:", error, StringComparison.Ordinal);
        Assert.True(LogQuery.TryRead("", null, null, out var query, out _));
        Assert.Null(query.ExecutionId);
    }
}
