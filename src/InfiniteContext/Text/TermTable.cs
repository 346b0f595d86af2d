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

    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly string[]?[] _chunks = new string[MaxChunks][];
    private readonly Lock _addLock = new();
    private int _count;

    /// <summary>Terms in the table.</summary>
    public int Count => Volatile.Read(ref _count);

    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(term, out int id)) return id;
        lock (_addLock)
        {
            if (lookup.TryGetValue(term, out id)) return id;
            id = _count;
            if (id >> ChunkBits >= MaxChunks) throw new InvalidOperationException("The term table is full.");
            var chunk = _chunks[id >> ChunkBits] ??= new string[ChunkSize];
            string s = term.ToString();
            chunk[id & (ChunkSize - 1)] = s; // written before the id is published through the dictionary
            Volatile.Write(ref _count, id + 1);
            _ids[s] = id;
            return id;
        }
    }

    /// <summary>The term of an id this table gave out.</summary>
    public string Term(int id) => _chunks[id >> ChunkBits]![id & (ChunkSize - 1)];
}
