namespace InfiniteContext.Indexing;

public sealed record LexicalIndexOptions
{
    /// <summary>BM25 term-frequency saturation.</summary>
    public double K1 { get; init; } = 1.2;

    /// <summary>BM25 length normalization.</summary>
    public double B { get; init; } = 0.75;

    /// <summary>Segments of the same size tier merged at once; higher means fewer rewrites and more segments to search.</summary>
    public int MergeFactor { get; init; } = 8;

    /// <summary>
    /// Postings the in-memory tail may hold before <see cref="ILexicalIndex.TailIsFull"/> asks for a flush: ingest
    /// flushes then, so its memory stays bounded whatever the input's size (about 12 bytes a posting).
    /// </summary>
    public long MaxTailPostings { get; init; } = 4_000_000;

    /// <summary>Open for reading only: never writes, never deletes a file (a reader beside a live writer).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Ignore whatever is on disk and start empty (a reader whose files are damaged rebuilds in memory).</summary>
    public bool IgnoreExisting { get; init; }
}
