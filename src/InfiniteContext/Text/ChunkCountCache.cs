using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace InfiniteContext.Text;

/// <summary>
/// Token counts of pre-tokenization chunks, shared by all threads of one encoding (ingest counts on the thread
/// pool, and per-thread caches would each pay the cold misses), looked up by span so a hit allocates nothing.
/// Bounded: when full it starts over, which costs a re-warm, never a wrong count.
/// </summary>
internal sealed class ChunkCountCache(Tokenizer tokenizer)
{
    private const int Capacity = 1 << 18;

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _added; // ConcurrentDictionary.Count takes every lock: keep our own tally
    private ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup => _counts.GetAlternateLookup<ReadOnlySpan<char>>();

    public int GetOrAdd(ReadOnlySpan<char> chunk)
    {
        var lookup = Lookup;
        if (lookup.TryGetValue(chunk, out int count)) return count;
        count = tokenizer.CountTokens(chunk, considerPreTokenization: false); // the chunk is one pre-token already
        if (Interlocked.Increment(ref _added) >= Capacity)
        {
            _counts.Clear();
            Volatile.Write(ref _added, 0);
        }
        lookup.TryAdd(chunk, count);
        return count;
    }
}
