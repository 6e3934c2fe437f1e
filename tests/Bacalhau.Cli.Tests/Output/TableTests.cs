using Bacalhau.Cli.Output;

namespace Bacalhau.Cli.Tests.Output;

/// <summary>Tables as text and as CSV, with the header shown or hidden.</summary>
public sealed class TableTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void A_csv_field_is_quoted_only_when_it_must_be(string value, string expected) =>
        Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void Csv_has_the_header_unless_hidden_and_values_whole()
    {
        var table = new Table("ID", "NAME").Add("j-1", "a, b").Add("j-2", null);

        Assert.Equal("ID,NAME\nj-1,\"a, b\"\nj-2,\n", table.ToCsv());
        Assert.Equal("j-1,\"a, b\"\nj-2,\n", table.ToCsv(header: false));
    }

    [Fact]
    public void Text_is_cut_to_the_width_and_the_header_may_be_hidden_or_bold()
    {
        var table = new Table("ID", "NAME").Add("j-0123456789abcdef", "a long job name that does not fit");

        var narrow = table.Render(30);
        Assert.All(narrow.TrimEnd('\n').Split('\n'), line => Assert.True(line.Length <= 30, line));
        Assert.Contains('…', narrow);

        Assert.Equal("j-0123456789abcdef  a long job name that does not fit\n", table.Render(int.MaxValue / 2, header: false));
        Assert.StartsWith("\u001b[1mID", table.Render(200, bold: true), StringComparison.Ordinal);
    }
}
