using System.Collections.Concurrent;

namespace InfiniteContext.Text;

/// <summary>
/// Token counts of pre-tokenization chunks, shared by all threads of one encoding (ingest counts on the thread
/// pool, and per-thread caches would each pay the cold misses), looked up by span so a hit allocates nothing.
/// A miss is counted by <see cref="BpeRanks"/> (the encoding's own merge ranks, no lock). Bounded: when full it
/// starts over, which costs a re-warm, never a wrong count.
/// </summary>
internal sealed class ChunkCountCache(Lazy<BpeRanks> ranks)
{
    private const int Capacity = 1 << 18;

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _added; // ConcurrentDictionary.Count takes every lock: keep our own tally
    private ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup => _counts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The count of an ASCII chunk of at most <see cref="BpeRanks.MaxChunkBytes"/> chars.</summary>
    public int GetOrAdd(ReadOnlySpan<char> chunk)
    {
        var lookup = Lookup;
        if (lookup.TryGetValue(chunk, out int count)) return count;
        Span<byte> bytes = stackalloc byte[BpeRanks.MaxChunkBytes];
        for (int i = 0; i < chunk.Length; i++) bytes[i] = (byte)chunk[i];
        count = ranks.Value.Count(bytes[..chunk.Length]); // the chunk is one pre-token already
        if (Interlocked.Increment(ref _added) >= Capacity)
        {
            _counts.Clear();
            Volatile.Write(ref _added, 0);
        }
        lookup.TryAdd(chunk, count);
        return count;
    }
}
