using Bacalhau.Cli.Output;

namespace Bacalhau.Cli.Tests.Output;

public sealed class ConsoleStyleTests
{
    [Fact]
    public void A_terminal_gets_a_live_line_in_colour()
    {
        Assert.Equal(new ConsoleStyle(Live: true, Colour: true), ConsoleStyle.Detect(outputRedirected: false, Environment(("TERM", "xterm-256color"))));
    }

    [Fact]
    public void Piped_output_gets_neither()
    {
        Assert.Equal(ConsoleStyle.Plain, ConsoleStyle.Detect(outputRedirected: true, Environment(("TERM", "xterm"))));
    }

    [Fact]
    public void A_dumb_terminal_gets_neither()
    {
        Assert.Equal(ConsoleStyle.Plain, ConsoleStyle.Detect(outputRedirected: false, Environment(("TERM", "dumb"))));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("false")]
    public void NO_COLOR_set_to_anything_turns_colour_off_but_keeps_the_live_line(string value)
    {
        Assert.Equal(new ConsoleStyle(Live: true, Colour: false), ConsoleStyle.Detect(outputRedirected: false, Environment(("TERM", "xterm"), ("NO_COLOR", value))));
    }

    [Fact]
    public void An_empty_NO_COLOR_is_not_set()
    {
        Assert.True(ConsoleStyle.Detect(outputRedirected: false, Environment(("NO_COLOR", ""))).Colour);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
