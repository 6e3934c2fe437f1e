using System.Security.Cryptography;
using System.Text;

namespace Bacalhau.Identity;

/// <summary>
/// Proof that a peer holds the private key of a peer ID: it signs a random nonce chosen by the verifier. The nonce
/// is signed behind a fixed context string so that a node never signs bytes that mean something elsewhere.
/// </summary>
public static class IdentityChallenge
{
    public const int MinNonceSize = 16;
    public const int MaxNonceSize = 64;
    private const int NonceSize = 32;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("bacalhau-orchestrator-identity:");

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceSize);

    public static byte[] Sign(NodeKey key, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(SignedBytes(nonce));
    }

    /// <summary>
    /// Null when <paramref name="signature"/> over <paramref name="nonce"/> verifies with <paramref name="publicKey"/>
    /// and the key's peer ID is one of <paramref name="expected"/>; else why not.
    /// </summary>
    public static string? Verify(IReadOnlyCollection<PeerId> expected, byte[] publicKey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(publicKey);
        PeerId actual;
        bool valid;
        try
        {
            actual = PeerId.FromPublicKey(publicKey);
            valid = NodeKey.Verify(publicKey, SignedBytes(nonce), signature);
        }
        catch (FormatException ex)
        {
            return $"its public key cannot be read: {ex.Message}";
        }

        if (!expected.Contains(actual))
        {
            return $"it is peer {actual}, not {string.Join(" or ", expected)}";
        }

        return valid ? null : $"its signature of the challenge does not verify with the public key of {actual}";
    }

    private static byte[] SignedBytes(ReadOnlySpan<byte> nonce) => [.. Context, .. nonce];
}
