namespace Bacalhau.JobSpecs.Tests;

/// <summary>Label selectors in Bacalhau's (Kubernetes') syntax, as <c>--constraints</c> and the lists' <c>labels</c> take them.</summary>
public sealed class LabelSelectorTests
{
    [Theory]
    [InlineData("a=b", "a", "=", "b")]
    [InlineData("a == b", "a", "==", "b")]
    [InlineData("a!=b", "a", "!=", "b")]
    [InlineData("a in (x, y)", "a", "in", "x|y")]
    [InlineData("a notin (x)", "a", "notin", "x")]
    [InlineData("a", "a", "exists", "")]
    [InlineData("!a", "a", "!", "")]
    [InlineData("size>5", "size", "gt", "5")]
    [InlineData("size<-2", "size", "lt", "-2")]
    [InlineData("example.com/zone=eu-1", "example.com/zone", "=", "eu-1")]
    public void A_term_becomes_its_requirement(string term, string key, string op, string values)
    {
        var requirement = Assert.Single(LabelSelector.Parse(term));

        Assert.Equal(key, requirement.Key);
        Assert.Equal(op, requirement.Operator);
        Assert.Equal(values.Split('|', StringSplitOptions.RemoveEmptyEntries), requirement.Values);
    }

    [Fact]
    public void Terms_split_on_commas_outside_parentheses()
    {
        var requirements = LabelSelector.Parse("team in (a,b), !canary,zone=eu");

        Assert.Equal(["team", "canary", "zone"], requirements.Select(r => r.Key));
        Assert.Equal(["a", "b"], requirements[0].Values);
    }

    [Theory]
    [InlineData("=b", "'=b': expected key=value")]
    [InlineData("a in ()", "'a in ()': in takes at least one value")]
    [InlineData("a>b", "'a>b': > and < compare with an integer")]
    [InlineData("a b", "'a b': expected")]
    public void A_bad_term_is_refused_quoting_it(string selector, string message)
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_term_is_quoted_only_in_part()
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse(new string('=', 5000)));

        Assert.True(error.Message.Length < 300, error.Message);
    }
}
