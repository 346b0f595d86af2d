namespace InfiniteContext.Text;

/// <summary>
/// Token counts of pre-tokenization chunks in two levels: a per-thread <see cref="SpanMemo"/> (a hit is a hash and a
/// compare, no lock), then a table shared by all threads of one encoding (so a chunk's BPE runs once per process, not
/// once per thread), then <see cref="BpeRanks"/> (the encoding's own merge ranks, no lock). Bounded: when full
/// either level starts over, which costs a re-warm, never a wrong count.
/// </summary>
internal sealed class ChunkCountCache(Lazy<BpeRanks> ranks)
{
    private const int Capacity = 1 << 18;

    // The shared level is consulted only when a thread's memo misses, so one lock around a memo serves it; a
    // ConcurrentDictionary here cost microseconds per add inside Monitor.Enter even from a single thread (traced).
    private readonly SpanMemo _counts = new(Capacity);
    private readonly Lock _countsLock = new();
    private static int s_caches;
    [ThreadStatic] private static SpanMemo?[]? t_local; // per thread, one memo per cache (encoding)
    private readonly int _index = Interlocked.Increment(ref s_caches) - 1;

    /// <summary>This thread's first level (fetch once per text, not per chunk).</summary>
    public SpanMemo Local
    {
        get
        {
            var all = t_local;
            if (all is null || all.Length <= _index) Array.Resize(ref t_local, _index + 1);
            return t_local![_index] ??= new SpanMemo(Capacity);
        }
    }

    /// <summary>The count of an ASCII chunk of at most <see cref="BpeRanks.MaxChunkBytes"/> chars.</summary>
    public int GetOrAdd(ReadOnlySpan<char> chunk, SpanMemo local)
    {
        if (local.TryGetValue(chunk, out int count)) return count;
        count = Shared(chunk);
        local.Add(chunk, count);
        return count;
    }

    private int Shared(ReadOnlySpan<char> chunk)
    {
        int count;
        lock (_countsLock)
        {
            if (_counts.TryGetValue(chunk, out count)) return count;
        }
        Span<byte> bytes = stackalloc byte[BpeRanks.MaxChunkBytes];
        for (int i = 0; i < chunk.Length; i++) bytes[i] = (byte)chunk[i];
        count = ranks.Value.Count(bytes[..chunk.Length]); // the chunk is one pre-token already
        lock (_countsLock)
        {
            if (!_counts.TryGetValue(chunk, out _)) _counts.Add(chunk, count); // full: the memo starts over
        }
        return count;
    }
}
