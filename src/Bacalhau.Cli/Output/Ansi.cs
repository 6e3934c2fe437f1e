namespace Bacalhau.Cli.Output;

internal enum AnsiColour
{
    Red = 31,
    Green = 32,
    Yellow = 33,
    Cyan = 36,
}

/// <summary>The few terminal escape sequences the CLI writes.</summary>
internal static class Ansi
{
    /// <summary>Back to the start of the line and erase it, so that the next text replaces the line.</summary>
    public const string ClearLine = "\r\u001b[2K";

    public static string Paint(string text, AnsiColour colour, bool enabled) =>
        enabled ? $"\u001b[{(int)colour}m{text}\u001b[0m" : text;

    public static string Bold(string text) => $"\u001b[1m{text}\u001b[0m";
}
