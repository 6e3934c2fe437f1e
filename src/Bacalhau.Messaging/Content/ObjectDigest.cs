namespace Bacalhau.Messaging.Content;

/// <summary>Reads the digest a NATS object store records for an object: <c>SHA-256=</c> and the digest in base64.</summary>
internal static class ObjectDigest
{
    private const string Prefix = "SHA-256=";

    /// <summary>The SHA-256 digest <paramref name="recorded"/> gives, or null when it gives none that can be read.</summary>
    public static byte[]? Sha256Of(string? recorded)
    {
        if (recorded is null || !recorded.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Clients write it in base64url; accept standard base64 too, padded or not.
        var text = recorded[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var digest = new byte[32];
        return Convert.TryFromBase64String(text, digest, out var written) && written == digest.Length ? digest : null;
    }
}
