namespace Bacalhau.Identity;

/// <summary>
/// A libp2p peer ID: the multihash of the node's marshalled public key, written in base58btc. Keys longer than
/// 42 bytes (every RSA key) are hashed with sha2-256, which is why RSA peer IDs start with "Qm".
/// </summary>
public sealed record PeerId
{
    /// <summary>libp2p inlines marshalled public keys up to this size instead of hashing them.</summary>
    public const int MaxInlineKeyLength = 42;

    private PeerId(string text) => Text = text;

    public string Text { get; }

    public static PeerId FromPublicKey(byte[] marshalledPublicKey)
    {
        ArgumentNullException.ThrowIfNull(marshalledPublicKey);
        return new(Base58.Encode(
            marshalledPublicKey.Length <= MaxInlineKeyLength ? Multihash.Identity(marshalledPublicKey) : Multihash.Sha256(marshalledPublicKey)));
    }

    /// <summary>The peer ID written in <paramref name="text"/>, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static PeerId? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Base58.TryDecode(text);
        if (string.IsNullOrEmpty(text) || bytes is null || !Multihash.IsValid(bytes))
        {
            error = $"'{text}' is not a peer ID (a base58btc multihash such as Qm...)";
            return null;
        }

        error = null;
        return new PeerId(text);
    }

    public override string ToString() => Text;
}
