namespace Bacalhau.Identity.Content;

/// <summary>The unsigned LEB128 integers multiformats prefix their values with (multicodec, multihash codes and lengths).</summary>
internal static class Varint
{
    // The multiformats spec caps a varint at 9 bytes (63 bits).
    private const int MaxBytes = 9;

    public static void Write(List<byte> destination, ulong value)
    {
        while (value >= 0x80)
        {
            destination.Add((byte)(value | 0x80));
            value >>= 7;
        }

        destination.Add((byte)value);
    }

    /// <summary>Reads one varint at <paramref name="offset"/> and moves past it; false when truncated, too long or not minimal.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int offset, out ulong value)
    {
        value = 0;
        for (var i = 0; i < MaxBytes && offset + i < data.Length; i++)
        {
            var b = data[offset + i];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // A trailing zero byte would give the same number a second spelling.
                if (i > 0 && b == 0)
                {
                    return false;
                }

                offset += i + 1;
                return true;
            }
        }

        return false;
    }
}
