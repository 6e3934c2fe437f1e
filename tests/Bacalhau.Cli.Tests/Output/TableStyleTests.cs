using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Output;

/// <summary>A table's style on a terminal (under <c>script</c>): a bold header, which <c>--no-style</c> and <c>NO_COLOR</c> remove.</summary>
public sealed class TableStyleTests
{
    private const string BoldHeader = "\u001b[1mKEY";

    [Fact]
    public async Task On_a_colour_terminal_the_header_is_bold_unless_no_style_says_otherwise()
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-style-").FullName;
        try
        {
            var styled = await CliProcess.RunOnTerminalAsync(dataDir, noColor: null, "config", "list");
            Assert.True(styled.ExitCode == 0, styled.ToString());
            Assert.Contains(BoldHeader, styled.Stdout, StringComparison.Ordinal);

            var unstyled = await CliProcess.RunOnTerminalAsync(dataDir, noColor: null, "config", "list", "--no-style");
            Assert.True(unstyled.ExitCode == 0, unstyled.ToString());
            // (The runtime sets the terminal's keypad mode on its own: only styling is looked for.)
            Assert.Contains("KEY  ", unstyled.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[1m", unstyled.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[0m", unstyled.Stdout, StringComparison.Ordinal);

            var noColour = await CliProcess.RunOnTerminalAsync(dataDir, noColor: "1", "config", "list");
            Assert.Contains("KEY  ", noColour.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[1m", noColour.Stdout, StringComparison.Ordinal);

            var piped = await CliProcess.RunAsync(dataDir, "config", "list");
            Assert.StartsWith("KEY", piped.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
