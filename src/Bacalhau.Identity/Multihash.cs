using System.Security.Cryptography;

namespace Bacalhau.Identity;

/// <summary>The two multihashes peer IDs use: sha2-256 (code 0x12) and identity (code 0x00).</summary>
internal static class Multihash
{
    public const byte Sha256Code = 0x12;
    public const byte IdentityCode = 0x00;

    public static byte[] Sha256(ReadOnlySpan<byte> data) => [Sha256Code, SHA256.HashSizeInBytes, .. SHA256.HashData(data)];

    public static byte[] Identity(ReadOnlySpan<byte> data) => [IdentityCode, checked((byte)data.Length), .. data];

    /// <summary>True when <paramref name="multihash"/> is a well-formed sha2-256 or identity multihash (short lengths, one byte).</summary>
    public static bool IsValid(ReadOnlySpan<byte> multihash) => multihash.Length >= 2 && multihash[1] < 0x80 && multihash[0] switch
    {
        Sha256Code => multihash[1] == SHA256.HashSizeInBytes && multihash.Length == 2 + SHA256.HashSizeInBytes,
        IdentityCode => multihash.Length == 2 + multihash[1],
        _ => false,
    };
}
