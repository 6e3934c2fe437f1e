using System.Globalization;
using Bacalhau.Contracts.Models;

namespace Bacalhau.Cli.Output;

/// <summary>How values read in tables.</summary>
internal static class Formatting
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t && t != default ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    /// <summary>Bacalhau's job and execution times are Unix nanoseconds.</summary>
    public static string UnixNanos(long nanos) => nanos > 0 ? Time(DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000)) : "";

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> columns, ending in "…" when cut.</summary>
    public static string Fit(string text, int width) => text.Length <= width ? text : width <= 0 ? "" : text[..(width - 1)] + "…";

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(' ', labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static string Cores(double cpu) => cpu.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Enum<T>(T value) where T : struct, System.Enum => value switch
    {
        NodeMembership m => m.ToString().ToUpperInvariant(),
        NodeConnectionStatus s => s.ToString().ToUpperInvariant(),
        _ => value.ToString(),
    };
}
