using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Bacalhau.Identity.Content;

/// <summary>
/// The name of a published result archive: the SHA-256 of its bytes in lower-case hex and <c>.tar.gz</c>. The node
/// that keeps it names it so, and whoever fetches it checks the bytes against the name.
/// </summary>
public static partial class ResultArchiveName
{
    public const string Extension = ".tar.gz";

    public static string For(ReadOnlySpan<byte> sha256) => Convert.ToHexStringLower(sha256) + Extension;

    /// <summary>Whether <paramref name="name"/> has the form of an archive name.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The SHA-256 the name promises, or null when it is no archive name.</summary>
    public static byte[]? Sha256Of(string? name) => IsValid(name) ? Convert.FromHexString(name.AsSpan(0, 64)) : null;

    [GeneratedRegex("^[0-9a-f]{64}\\.tar\\.gz$")]
    private static partial Regex Pattern();
}
