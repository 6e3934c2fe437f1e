namespace Bacalhau.Cli.Output;

/// <summary>
/// What standard output can show: a status line redrawn in place only on a terminal (not piped, TERM not "dumb"),
/// colour only there and never when NO_COLOR is set to anything (no-color.org).
/// </summary>
internal sealed record ConsoleStyle(bool Live, bool Colour)
{
    public static ConsoleStyle Plain { get; } = new(Live: false, Colour: false);

    /// <summary>The style of this process's standard output.</summary>
    public static ConsoleStyle Current => Detect(Console.IsOutputRedirected, Environment.GetEnvironmentVariable);

    public static ConsoleStyle Detect(bool outputRedirected, Func<string, string?> environment)
    {
        var live = !outputRedirected && !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal);
        return new ConsoleStyle(live, live && string.IsNullOrEmpty(environment("NO_COLOR")));
    }
}
