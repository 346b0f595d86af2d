using System.Buffers.Binary;
using System.Globalization;
using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// The sentence views of entries (<see cref="Retrieval.RetrievalText.Parts"/>) as vectors beside the entries' own: a
/// second <see cref="VectorStore"/> (<c>&lt;model&gt;.parts.vec</c>, with its own approximate index) whose rows are
/// keyed <c>seq x 16 + part</c>, so its keys stay unique and ascending and every property of the store (durable
/// batches, torn tails, forget, IVF) holds unchanged. A part's row is the blend <c>(entry vector + sentence vector) / 2</c>,
/// not unit length, so a query's dot product with it is the mean of its cosines to the entry and to the sentence, and
/// the best of an entry's rows and its own vector is <c>cos(entry) + 0.5 x max(0, cos(best sentence) - cos(entry))</c>:
/// a sentence that matches better than its turn lifts the turn half way.
/// <para>
/// Which entries have been considered is not visible in the rows (most entries have no parts), so a marker file
/// (<c>&lt;model&gt;.parts.covered</c>) holds the seq through which parts are complete; it is written after each batch
/// is durable, and on open rows past it (a batch cut short by a crash) are dropped. A store whose entry vectors were
/// computed before parts existed has its parts filled in from the start by the indexer, entry vectors untouched.
/// </para>
/// </summary>
public sealed class PartVectors : IDisposable
{
    /// <summary>Key space per entry: part index below this (<see cref="Retrieval.RetrievalText.MaxParts"/> is less).</summary>
    public const int KeysPerEntry = 16;

    /// <summary>
    /// Rows one entry may hold (<see cref="Retrieval.RetrievalText.MaxParts"/>): what bounds how many rows a search must read
    /// to be exact, so it is enforced on append.
    /// </summary>
    public const int MaxRowsPerEntry = Retrieval.RetrievalText.MaxParts;

    private readonly VectorStore _store;
    private readonly string _markerPath;
    private readonly bool _readOnly;
    private long _covered;

    private PartVectors(VectorStore store, string markerPath, bool readOnly, long covered)
    {
        _store = store;
        _markerPath = markerPath;
        _readOnly = readOnly;
        _covered = covered;
    }

    /// <summary>Opens (or creates) the parts of the entry vector file at <paramref name="entryVectorPath"/> (<c>x.vec</c> -> <c>x.parts.vec</c>).</summary>
    public static PartVectors Open(string entryVectorPath, string modelId, int dimensions, bool readOnly, VectorIndexOptions? options = null)
    {
        string stem = Path.Combine(Path.GetDirectoryName(entryVectorPath)!, Path.GetFileNameWithoutExtension(entryVectorPath));
        string marker = stem + ".parts.covered";
        long covered = ReadMarker(marker);
        var entryOptions = options ?? VectorIndexOptions.Default;
        var partOptions = entryOptions with { ProbeFactor = entryOptions.PartProbeFactor };
        VectorStore store;
        try
        {
            store = VectorStore.Open(stem + ".parts.vec", modelId, dimensions, readOnly, partOptions);
        }
        catch (InvalidDataException) when (!readOnly)
        {
            File.Delete(stem + ".parts.vec"); // damaged, and derived: recomputed
            store = VectorStore.Open(stem + ".parts.vec", modelId, dimensions, readOnly: false, partOptions);
            covered = 0;
        }
        // Rows past the marker belong to a batch whose marker was never written: recomputed. Without a marker, all are.
        if (!readOnly) store.DeleteAfter(covered * KeysPerEntry + KeysPerEntry - 1);
        return new PartVectors(store, marker, readOnly, covered);
    }

    /// <summary>Seq through which every entry's parts are stored (0: none yet).</summary>
    public long CoveredSeq => Volatile.Read(ref _covered);

    /// <summary>Part vectors held.</summary>
    public int Count => _store.Count;

    /// <summary>How a search over all the part rows is answered now (<see cref="VectorStore.SearchMethod"/>).</summary>
    public string SearchMethod => _store.SearchMethod;

    /// <summary>The part rows' approximate index, once trained (its lists and stray list are what a part search reads).</summary>
    internal IvfIndex? ApproximateIndex => _store.ApproximateIndex;

    /// <summary>Lists an unfiltered search probes (0: the exact scan), by <see cref="VectorIndexOptions.PartProbeFactor"/>.</summary>
    internal int PlannedProbes() => _store.PlannedProbes(null, null);

    public static long Key(long seq, int part) => seq * KeysPerEntry + part;

    public static long SeqOf(long key) => key / KeysPerEntry;

    /// <summary>
    /// Appends the parts of a batch (ascending seqs above <see cref="CoveredSeq"/>; each entry's blends in part order,
    /// at most <see cref="KeysPerEntry"/>) durably, then records the batch as covered through <paramref name="through"/>.
    /// </summary>
    public void Append(IReadOnlyList<(long Seq, int Part, int StreamId, ReadOnlyMemory<float> Blend)> parts, long through)
    {
        if (_readOnly) throw new InvalidOperationException("The vector store is open read-only.");
        if (through <= CoveredSeq) throw new InvalidOperationException($"Parts through seq {through} are already covered (through {CoveredSeq}).");
        var records = new List<(long, int, ReadOnlyMemory<float>)>(parts.Count);
        foreach (var (seq, part, stream, blend) in parts)
        {
            if (part < 0 || part >= MaxRowsPerEntry) throw new ArgumentOutOfRangeException(nameof(parts), $"Part {part} of seq {seq} is outside 0..{MaxRowsPerEntry - 1}.");
            if (seq <= CoveredSeq || seq > through) throw new ArgumentOutOfRangeException(nameof(parts), $"Part of seq {seq} lies outside the batch ({CoveredSeq}, {through}].");
            records.Add((Key(seq, part), stream, blend));
        }
        if (records.Count > 0) _store.Append(records);
        WriteMarker(through);
        Volatile.Write(ref _covered, through);
    }

    /// <summary>Forget: removes every part of the given entries.</summary>
    public int Delete(IReadOnlyCollection<long> seqs)
    {
        if (seqs.Count == 0) return 0;
        var keys = new HashSet<long>(seqs.Count * KeysPerEntry);
        foreach (long seq in seqs)
            for (int p = 0; p < KeysPerEntry; p++) keys.Add(Key(seq, p));
        return _store.Delete(keys);
    }

    /// <summary>
    /// The best part score of up to <paramref name="top"/> entries (distinct seqs, best first, ties to the higher seq),
    /// over the given streams and, when <paramref name="allowed"/> is set, only those seqs. Exact as the store's search is:
    /// it reads the best <paramref name="top"/> x <see cref="MaxRowsPerEntry"/> rows, among which the best rows of the best
    /// <paramref name="top"/> entries always are.
    /// </summary>
    public IReadOnlyList<ScoredDoc> Search(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int top, IReadOnlySet<long>? allowed = null)
    {
        if (top <= 0 || _store.Count == 0) return [];
        HashSet<long>? keys = null;
        if (allowed is not null)
        {
            keys = new HashSet<long>(allowed.Count * MaxRowsPerEntry);
            foreach (long seq in allowed)
                for (int p = 0; p < MaxRowsPerEntry; p++) keys.Add(Key(seq, p));
        }
        // An entry outside the best `top` by its best row has `top` entries above it, each with at most MaxRowsPerEntry
        // rows: so the best top x MaxRowsPerEntry rows hold the best row of every entry in the best `top`.
        var rows = _store.Search(query, streamIds, top * MaxRowsPerEntry, keys);
        var best = new Dictionary<long, double>();
        foreach (var r in rows)
        {
            long seq = SeqOf(r.Seq);
            if (!best.TryGetValue(seq, out double b) || r.Score > b) best[seq] = r.Score;
        }
        return best.Select(kv => new ScoredDoc(kv.Key, kv.Value))
            .OrderByDescending(d => d.Score).ThenByDescending(d => d.Seq).Take(top).ToList();
    }

    private static long ReadMarker(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length != 16) return 0;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            return (ulong)seq == (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)) ^ MarkerCheck) ? seq : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private const ulong MarkerCheck = 0x5041525453434f56; // "PARTSCOV": a torn or foreign marker reads as 0 (recompute)

    private void WriteMarker(long seq)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, seq);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), (ulong)seq ^ MarkerCheck);
        string tmp = _markerPath + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, _markerPath, overwrite: true);
    }

    public void Dispose() => _store.Dispose();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count} parts through seq {CoveredSeq}");
}
