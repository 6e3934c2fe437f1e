using System.Security.Cryptography;

namespace Bacalhau.Identity;

/// <summary>
/// libp2p's protobuf key envelopes (core/crypto pb): <c>PublicKey { KeyType Type = 1; bytes Data = 2; }</c> and the
/// same shape for <c>PrivateKey</c>. For RSA (type 0) the public data is a PKIX SubjectPublicKeyInfo and the private
/// data a PKCS#1 RSAPrivateKey, both DER. Only RSA is produced or accepted here.
/// </summary>
internal static class Libp2pKeys
{
    private const int RsaType = 0;
    private const byte TypeTag = (1 << 3) | 0; // field 1, varint
    private const byte DataTag = (2 << 3) | 2; // field 2, length-delimited

    public static byte[] MarshalPublicKey(RSA key) => Marshal(key.ExportSubjectPublicKeyInfo());

    public static byte[] MarshalPrivateKey(RSA key) => Marshal(key.ExportRSAPrivateKey());

    /// <summary>The RSA key in a marshalled libp2p PrivateKey; a <see cref="FormatException"/> says what is wrong.</summary>
    public static RSA UnmarshalPrivateKey(ReadOnlySpan<byte> marshalled) => Import(Unmarshal(marshalled), (rsa, der) => rsa.ImportRSAPrivateKey(der, out _));

    /// <summary>The RSA key in a marshalled libp2p PublicKey; a <see cref="FormatException"/> says what is wrong.</summary>
    public static RSA UnmarshalPublicKey(ReadOnlySpan<byte> marshalled) => Import(Unmarshal(marshalled), (rsa, der) => rsa.ImportSubjectPublicKeyInfo(der, out _));

    private static byte[] Marshal(byte[] der)
    {
        using var buffer = new MemoryStream(der.Length + 8);
        buffer.WriteByte(TypeTag);
        WriteVarint(buffer, RsaType);
        buffer.WriteByte(DataTag);
        WriteVarint(buffer, (ulong)der.Length);
        buffer.Write(der);
        return buffer.ToArray();
    }

    private static byte[] Unmarshal(ReadOnlySpan<byte> marshalled)
    {
        ulong? type = null;
        byte[]? data = null;
        var position = 0;
        while (position < marshalled.Length)
        {
            var tag = ReadVarint(marshalled, ref position);
            switch (tag)
            {
                case TypeTag:
                    type = ReadVarint(marshalled, ref position);
                    break;
                case DataTag:
                    var length = ReadVarint(marshalled, ref position);
                    if (length > (ulong)(marshalled.Length - position))
                    {
                        throw new FormatException("the key data is truncated");
                    }

                    data = marshalled.Slice(position, (int)length).ToArray();
                    position += (int)length;
                    break;
                default:
                    throw new FormatException($"unexpected protobuf field tag {tag}");
            }
        }

        if (type != RsaType)
        {
            throw new FormatException(type is null ? "the key type is missing" : $"key type {type} is not supported, only RSA (0)");
        }

        return data ?? throw new FormatException("the key data is missing");
    }

    private static RSA Import(byte[] der, Action<RSA, byte[]> import)
    {
        var rsa = RSA.Create();
        try
        {
            import(rsa, der);
            return rsa;
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new FormatException($"the RSA key is not valid DER ({ex.Message})", ex);
        }
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("a protobuf varint is truncated");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a protobuf varint is too long");
    }
}
