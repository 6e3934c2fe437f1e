using System.Globalization;
using System.Text.RegularExpressions;

namespace Bacalhau.Contracts.Serialization;

/// <summary>Durations as Bacalhau (Go) writes them: <c>15s</c>, <c>1m30s</c>, <c>500ms</c>; also .NET's <c>hh:mm:ss</c>.</summary>
public static partial class GoDuration
{
    /// <summary>The duration <paramref name="text"/> spells, or null when it is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        var match = Pattern().Match(text);
        if (match.Success)
        {
            try
            {
                return Sum(match);
            }
            catch (OverflowException)
            {
                // Longer than a TimeSpan holds: not a duration anyone means.
                return null;
            }
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : null;
    }

    private static TimeSpan Sum(Match match)
    {
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value.TrimStart("0123456789.".ToCharArray());
            var amount = double.Parse(part.Value[..^unit.Length], CultureInfo.InvariantCulture);
            total += unit switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "us" or "µs" => TimeSpan.FromMicroseconds(amount),
                _ => TimeSpan.FromTicks(checked((long)(amount / 100))),
            };
        }

        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Pattern();
}
