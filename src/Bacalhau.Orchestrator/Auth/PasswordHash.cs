using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>
/// Passwords kept as PBKDF2-HMAC-SHA256 hashes, <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (base64):
/// a configuration file that leaks does not give the passwords away.
/// </summary>
public static class PasswordHash
{
    public const string Prefix = "pbkdf2-sha256$";

    // OWASP's figure for PBKDF2-HMAC-SHA256.
    private const int Iterations = 600_000;
    private const int MinimumIterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Why <paramref name="encoded"/> is not a hash this class can check; null when it is one.</summary>
    public static string? Problem(string encoded) => TryParse(encoded, out _, out _, out _) ? null
        : $"expected a hash {Prefix}<iterations>$<salt>$<hash> (at least {MinimumIterations} iterations), as `bacalhau auth hash-password` prints it, not a password in clear";

    public static bool Verify(string password, string encoded)
    {
        if (!TryParse(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        (iterations, salt, hash) = (0, [], []);
        if (!encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < MinimumIterations)
        {
            return false;
        }

        try
        {
            (salt, hash) = (Convert.FromBase64String(parts[1]), Convert.FromBase64String(parts[2]));
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length >= 16;
    }
}
