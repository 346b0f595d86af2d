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

    // Consulted only when a preparing thread's own memo misses (the first time that thread meets a term), so one
    // lock around a memo serves it; a ConcurrentDictionary cost microseconds per add inside Monitor.Enter (traced).
    private readonly SpanMemo _ids = new(int.MaxValue);
    private readonly Lock _lock = new();
    private readonly string[]?[] _chunks = new string[MaxChunks][];
    private int _count;

    /// <summary>Terms in the table.</summary>
    public int Count => Volatile.Read(ref _count);

    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        lock (_lock)
        {
            if (_ids.TryGetValue(term, out int id)) return id;
            id = _count;
            if (id >> ChunkBits >= MaxChunks) throw new InvalidOperationException("The term table is full.");
            var chunk = _chunks[id >> ChunkBits] ??= new string[ChunkSize];
            chunk[id & (ChunkSize - 1)] = term.ToString(); // written before the id is handed out
            _ids.Add(term, id);
            Volatile.Write(ref _count, id + 1);
            return id;
        }
    }

    /// <summary>The term of an id this table gave out.</summary>
    public string Term(int id) => _chunks[id >> ChunkBits]![id & (ChunkSize - 1)];
}
