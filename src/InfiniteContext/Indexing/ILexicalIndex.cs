namespace InfiniteContext.Indexing;

/// <summary>
/// A derived BM25 index over the log. It remembers the highest seq it covers so that opening a store
/// only replays the tail of the log, and can always be rebuilt from the log.
/// </summary>
public interface ILexicalIndex : IDisposable
{
    /// <summary>Highest seq whose entry is reflected in the index (persisted or in memory).</summary>
    long CoveredSeq { get; }

    /// <summary>The analyzer documents and queries go through.</summary>
    Text.ITextAnalyzer Analyzer { get; }

    /// <summary>Highest seq reflected in the persisted segments.</summary>
    long PersistedSeq { get; }

    /// <summary>Adds entries (seq-ascending, all above <see cref="CoveredSeq"/>) to the in-memory tail segment.</summary>
    void Add(IReadOnlyList<IndexedDoc> docs);

    /// <summary>The in-memory tail has reached its size limit: the writer should <see cref="Flush"/> it to a segment.</summary>
    bool TailIsFull { get; }

    /// <summary>Drops documents (forget). Persisted segments holding them are rewritten by <see cref="Flush"/>.</summary>
    void Delete(IReadOnlyCollection<long> seqs);

    /// <summary>Writes the in-memory tail as a segment and merges segments per the merge policy; durable on return.</summary>
    void Flush();

    /// <summary>BM25 top-k within a scope. Statistics (N, avgdl, df) are computed over the scope only, so one stream's results never depend on another's content.</summary>
    IReadOnlyList<ScoredDoc> Search(string query, LexicalScope scope, int top);

    LexicalIndexStats GetStats();
}

/// <summary>What the index keeps of an entry: its seq, text to analyze, and the fields filters need.</summary>
public readonly record struct IndexedDoc(long Seq, int StreamId, string Text, long TimeUnixMs, EntryRole Role, string? Speaker, string? Session)
{
    public const long NoTime = long.MinValue;

    /// <summary><see cref="Text"/> already analyzed with the index's <see cref="ILexicalIndex.Analyzer"/> (ingest does this in parallel); null: the index analyzes it.</summary>
    public Text.AnalyzedText? Analyzed { get; init; }
}

/// <summary>A resolved filter: stream ids instead of names, times as Unix milliseconds.</summary>
public sealed record LexicalScope
{
    /// <summary>Null = all streams.</summary>
    public IReadOnlySet<int>? StreamIds { get; init; }
    public long? FromUnixMs { get; init; }
    public long? ToUnixMs { get; init; }
    public EntryRole? Role { get; init; }
    public string? Speaker { get; init; }
    public string? Session { get; init; }

    public static LexicalScope All { get; } = new();
}

public readonly record struct ScoredDoc(long Seq, double Score);

public sealed record LexicalIndexStats(long Documents, long Terms, long Segments, long Postings, long BytesOnDisk, long CoveredSeq, long PersistedSeq);
