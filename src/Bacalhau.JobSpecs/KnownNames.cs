namespace Bacalhau.JobSpecs;

/// <summary>Matches user-written type names against known ones, ignoring case and surrounding blanks as Bacalhau does.</summary>
internal static class KnownNames
{
    private const int MaxShownLength = 64;

    /// <summary>The known spelling of <paramref name="value"/>, or null when it is not one of <paramref name="known"/>.</summary>
    public static string? Find(string value, IReadOnlyList<string> known) =>
        known.FirstOrDefault(name => string.Equals(name, value.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The known spelling when there is one, otherwise the value trimmed and lower-cased.</summary>
    public static string Canonical(string value, IReadOnlyList<string> known) =>
        Find(value, known) ?? value.Trim().ToLowerInvariant();

    /// <summary>
    /// What is wrong with a name that must be one of <paramref name="supported"/>, or null when nothing is.
    /// <paramref name="kind"/> is what the name names, in the singular ("engine"); <paramref name="unsupported"/>
    /// lists names Bacalhau knows that this product deliberately leaves out.
    /// </summary>
    public static string? Problem(string value, string kind, IReadOnlyList<string> supported, IReadOnlyList<string>? unsupported = null)
    {
        var choices = $"supported {kind}s: {string.Join(", ", supported)}";
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"required; {choices}";
        }

        if (Find(value, supported) is not null)
        {
            return null;
        }

        return unsupported is not null && Find(value, unsupported) is not null
            ? $"{kind} '{value}' is not supported by Bacalhau.NET; {choices}"
            : $"unknown {kind} '{Shown(value)}'; {choices}";
    }

    // A name from a request is quoted back only in part: no known name is longer.
    private static string Shown(string value) => value.Length <= MaxShownLength ? value : string.Concat(value.AsSpan(0, MaxShownLength), "...");
}
