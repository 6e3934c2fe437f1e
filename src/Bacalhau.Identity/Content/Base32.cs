namespace Bacalhau.Identity.Content;

/// <summary>RFC 4648 base32 in lower case without padding: the alphabet of multibase <c>b</c>, the default of CIDv1.</summary>
public static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var text = new char[(data.Length * 8 + 4) / 5];
        var length = 0;
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text[length++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            text[length++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(text, 0, length);
    }

    /// <summary>Decodes lower-case base32 without padding; false on any other character or a malformed length.</summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }

        // Leftover bits are padding of the last character: fewer than 5 of them, all zero.
        if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0)
        {
            return false;
        }

        data = [.. bytes];
        return true;
    }
}
