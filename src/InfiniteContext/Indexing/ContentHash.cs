using System.Runtime.InteropServices;

namespace InfiniteContext.Indexing;

/// <summary>
/// A fast 64-bit checksum over whole words, to detect torn or corrupted index files on open.
/// Not cryptographic: it guards against accidents, and a damaged index is rebuilt from the log anyway.
/// </summary>
internal static class ContentHash
{
    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        const ulong prime = 0x9E3779B97F4A7C15UL;
        ulong h = 0xCBF29CE484222325UL ^ (ulong)data.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        ulong a = h, b = ~h, c = h * prime, d = h ^ prime;
        int i = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            a = (a ^ words[i]) * prime;
            b = (b ^ words[i + 1]) * prime;
            c = (c ^ words[i + 2]) * prime;
            d = (d ^ words[i + 3]) * prime;
        }
        for (; i < words.Length; i++) a = (a ^ words[i]) * prime;
        for (int k = words.Length * 8; k < data.Length; k++) b = (b ^ data[k]) * prime;
        h = a ^ (b << 17 | b >> 47) ^ (c << 31 | c >> 33) ^ (d << 47 | d >> 17);
        h ^= h >> 29;
        h *= prime;
        h ^= h >> 32;
        return h;
    }
}
