using System.Collections.Concurrent;

namespace InfiniteContext.Text;

/// <summary>
/// Term strings to dense ids, shared by the threads that analyze ingest batches, so that the single index writer
/// receives ids (an array lookup per occurrence) instead of strings to hash. Lookups by span allocate nothing;
/// a new term costs one string, once per table. Ids are never reused within a table; the index starts a new table
/// when one grows past its limit, and documents analyzed against an older table are added by their strings.
/// </summary>
internal sealed class TermTable
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = 1 << 8; // 16M terms: far beyond the limit the index replaces a table at

    // Many lock stripes, presized: threads adding new terms at once (the start of an ingest) must not queue.
    private readonly ConcurrentDictionary<string, int> _ids = new(concurrencyLevel: 64, capacity: 1 << 16, StringComparer.Ordinal);
    private readonly string[]?[] _chunks = new string[MaxChunks][];
    private int _next;

    /// <summary>Ids given out so far (an upper bound on the terms: two threads adding one term at once spend two ids, and one is never used).</summary>
    public int Count => Volatile.Read(ref _next);

    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(term, out int id)) return id;
        id = Interlocked.Increment(ref _next) - 1;
        if (id >> ChunkBits >= MaxChunks) throw new InvalidOperationException("The term table is full.");
        var chunk = Volatile.Read(ref _chunks[id >> ChunkBits]);
        if (chunk is null)
        {
            Interlocked.CompareExchange(ref _chunks[id >> ChunkBits], new string[ChunkSize], null);
            chunk = _chunks[id >> ChunkBits]!;
        }
        string s = term.ToString();
        chunk[id & (ChunkSize - 1)] = s; // written before the id is published through the dictionary
        // Lost a race to another thread adding the same term: use its id (ours stays unused).
        return _ids.GetOrAdd(s, id);
    }

    /// <summary>The term of an id this table gave out.</summary>
    public string Term(int id) => _chunks[id >> ChunkBits]![id & (ChunkSize - 1)];
}
