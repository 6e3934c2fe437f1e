using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace Bacalhau.Identity.Content;

/// <summary>
/// A version 1 content identifier (multiformats CID): multicodec of the content and a multihash of its bytes, written
/// as multibase base32 (<c>b...</c>), the way IPFS writes CIDv1. Two CIDs are equal when their text is.
/// </summary>
public sealed class Cid : IEquatable<Cid>
{
    /// <summary>Multicodec <c>raw</c>: the content is plain bytes, as IPFS addresses a single block.</summary>
    public const ulong RawCodec = 0x55;

    /// <summary>Multihash function code of SHA2-256.</summary>
    public const ulong Sha2_256 = 0x12;

    private const ulong Version1 = 1;
    private const int Sha256Length = 32;
    private const char Base32Prefix = 'b';

    private readonly string _text;

    private Cid(ulong codec, ulong hashFunction, byte[] digest)
    {
        Codec = codec;
        HashFunction = hashFunction;
        Digest = digest;
        var bytes = new List<byte>(digest.Length + 8);
        Varint.Write(bytes, Version1);
        Varint.Write(bytes, codec);
        Varint.Write(bytes, hashFunction);
        Varint.Write(bytes, (ulong)digest.Length);
        bytes.AddRange(digest);
        _text = Base32Prefix + Base32.Encode([.. bytes]);
    }

    public ulong Codec { get; }

    public ulong HashFunction { get; }

    public IReadOnlyList<byte> Digest { get; }

    /// <summary>The CID of <paramref name="content"/> as a raw block hashed with SHA2-256.</summary>
    public static Cid ForRaw(ReadOnlySpan<byte> content) => FromSha256(SHA256.HashData(content));

    /// <summary>The raw-codec CID of content whose SHA2-256 digest is already known.</summary>
    public static Cid FromSha256(ReadOnlySpan<byte> digest) =>
        digest.Length == Sha256Length
            ? new Cid(RawCodec, Sha2_256, digest.ToArray())
            : throw new ArgumentException($"a SHA2-256 digest has {Sha256Length} bytes, got {digest.Length}", nameof(digest));

    /// <summary>Whether this CID names the content whose SHA2-256 digest is <paramref name="sha256"/>.</summary>
    public bool Names(ReadOnlySpan<byte> sha256) =>
        HashFunction == Sha2_256 && Digest.Count == sha256.Length && Digest.SequenceEqual(sha256.ToArray());

    /// <summary>Reads a CIDv1 in base32; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Cid? cid, [NotNullWhen(false)] out string? problem)
    {
        problem = Parse(text ?? "", out cid);
        return problem is null;
    }

    public bool Equals(Cid? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Cid);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    public override string ToString() => _text;

    private static string? Parse(string text, out Cid? cid)
    {
        cid = null;
        if (text.Length == 0)
        {
            return "empty";
        }

        // CIDv0 is a bare base58btc SHA2-256 multihash, always 46 characters starting with "Qm".
        if (text.Length == 46 && text.StartsWith("Qm", StringComparison.Ordinal))
        {
            return "a CIDv0 (Qm...); only CIDv1 in base32 (b...) is served here";
        }

        if (text[0] != Base32Prefix)
        {
            return $"multibase prefix '{text[0]}' is not supported; a CIDv1 here is base32, starting with 'b'";
        }

        if (!Base32.TryDecode(text[1..], out var bytes))
        {
            return "not valid lower-case base32 after the 'b' prefix";
        }

        var offset = 0;
        if (!Varint.TryRead(bytes, ref offset, out var version)
            || !Varint.TryRead(bytes, ref offset, out var codec)
            || !Varint.TryRead(bytes, ref offset, out var hashFunction)
            || !Varint.TryRead(bytes, ref offset, out var length))
        {
            return "truncated: it ends before its version, codec and multihash header";
        }

        if (version != Version1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"CID version {version} is not supported; expected 1");
        }

        var digestLength = bytes.Length - offset;
        if (length != (ulong)digestLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the multihash says {length} digest bytes but {digestLength} follow");
        }

        if (hashFunction == Sha2_256 && digestLength != Sha256Length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a sha2-256 multihash has {Sha256Length} digest bytes, got {digestLength}");
        }

        var candidate = new Cid(codec, hashFunction, bytes[offset..]);
        // A CID has one spelling: text that decodes to it but is written differently is not that CID.
        if (candidate._text != text)
        {
            return "not in canonical form";
        }

        cid = candidate;
        return null;
    }
}
