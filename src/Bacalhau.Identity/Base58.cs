using System.Numerics;
using System.Text;

namespace Bacalhau.Identity;

/// <summary>base58btc (the Bitcoin alphabet), the text form of libp2p peer IDs.</summary>
internal static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var leadingZeros = 0;
        while (leadingZeros < data.Length && data[leadingZeros] == 0)
        {
            leadingZeros++;
        }

        var value = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var digits = new StringBuilder();
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            digits.Insert(0, Alphabet[(int)remainder]);
        }

        return new string('1', leadingZeros) + digits;
    }

    /// <summary>The bytes of <paramref name="text"/>; null when it holds a character outside the alphabet.</summary>
    public static byte[]? TryDecode(string text)
    {
        var value = BigInteger.Zero;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }

            value = (value * 58) + digit;
        }

        var leadingZeros = text.TakeWhile(c => c == '1').Count();
        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[leadingZeros], .. body];
    }
}
