namespace InfiniteContext.Indexing;

/// <summary>LEB128 unsigned varints: postings are small deltas, so most take one byte.</summary>
internal static class VarInt
{
    public static void Write(List<byte> into, uint value)
    {
        while (value >= 0x80)
        {
            into.Add((byte)(value | 0x80));
            value >>= 7;
        }
        into.Add((byte)value);
    }

    public static int Write(Span<byte> into, uint value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            into[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        into[n++] = (byte)value;
        return n;
    }

    public static uint Read(ReadOnlySpan<byte> from, ref int pos)
    {
        uint b = from[pos++];
        if (b < 0x80) return b;
        uint value = b & 0x7F;
        int shift = 7;
        while (true)
        {
            b = from[pos++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80) return value;
            shift += 7;
        }
    }
}
