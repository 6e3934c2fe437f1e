using System.Security.Cryptography;
using System.Text;
using Bacalhau.Identity.Nodes;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>NATS nkeys made from our own bytes: a seed derived from a secret, and seeds kept in owner-only files.</summary>
public static class NKeySeeds
{
    private const byte SeedPrefix = 18 << 3;
    private const int RawSeedLength = 32;

    /// <summary>
    /// The same key pair on every machine that knows <paramref name="secret"/>: HKDF-SHA256 over it with
    /// <paramref name="label"/> as the info, encoded as an nkey seed of kind <paramref name="prefix"/>.
    /// </summary>
    public static KeyPair Derive(string secret, string label, PrefixByte prefix)
    {
        var raw = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), RawSeedLength, salt: [], info: Encoding.UTF8.GetBytes(label));
        try
        {
            return KeyPair.FromSeed(Encode(raw, prefix));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>The key pair whose seed is in <paramref name="path"/>, generated and saved (0600) when the file does not exist.</summary>
    public static KeyPair LoadOrCreate(string path, PrefixByte prefix) =>
        Parse(path, AtomicFile.ReadOrCreate(path, () => NewSeed(prefix), ownerOnly: true), prefix);

    /// <summary>The key pair whose seed is in <paramref name="path"/>, which must exist.</summary>
    public static KeyPair Load(string path, PrefixByte prefix) =>
        File.Exists(path) ? Parse(path, File.ReadAllText(path).Trim(), prefix) : throw new InvalidDataException($"the nkey seed file '{path}' does not exist");

    private static string NewSeed(PrefixByte prefix)
    {
        using var pair = KeyPair.CreatePair(prefix);
        return pair.GetSeed() + "\n";
    }

    private static KeyPair Parse(string path, string seed, PrefixByte prefix)
    {
        KeyPair pair;
        try
        {
            pair = KeyPair.FromSeed(seed);
        }
        catch (NKeysException ex)
        {
            throw new InvalidDataException($"'{path}' does not hold an nkey seed: {ex.Message}", ex);
        }

        if (pair.Prefix != prefix)
        {
            pair.Dispose();
            throw new InvalidDataException($"'{path}' holds a {pair.Prefix} seed, not a {prefix} seed");
        }

        return pair;
    }

    /// <summary>The seed's text form: two prefix bytes, the raw seed and a CRC-16 (XMODEM), in unpadded base32.</summary>
    private static string Encode(ReadOnlySpan<byte> raw, PrefixByte prefix)
    {
        Span<byte> bytes = stackalloc byte[2 + RawSeedLength + 2];
        bytes[0] = (byte)(SeedPrefix | ((byte)prefix >> 5));
        bytes[1] = (byte)(((byte)prefix & 31) << 3);
        raw.CopyTo(bytes[2..]);
        var crc = Crc16(bytes[..^2]);
        bytes[^2] = (byte)crc;
        bytes[^1] = (byte)(crc >> 8);
        Span<char> text = stackalloc char[Base32.GetEncodedLength(bytes)];
        var written = Base32.ToBase32(bytes, text);
        return new string(text[..written]);
    }

    private static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc;
    }
}
