namespace InfiniteContext;

/// <summary>What <c>infctx stats</c> shows: the log, and how far each derived index has caught up with it.</summary>
public sealed record StoreStats(
    string Directory,
    string Tokenizer,
    long Entries,
    long Streams,
    long Tokens,
    long LastSeq,
    long LogBytes,
    long LexicalCoveredSeq,
    long LexicalPersistedSeq,
    long LexicalSegments,
    long LexicalTerms,
    long LexicalBytes)
{
    /// <summary>The embedding model whose vectors the store keeps (null: none configured for this open).</summary>
    public string? VectorModel { get; init; }
    public long Vectors { get; init; }
    /// <summary>Entries still waiting for a vector.</summary>
    public long VectorsPending { get; init; }

    /// <summary>Sentence-view vectors beside the entries' own (<see cref="Vectors.PartVectors"/>; 0 when sentence views are off).</summary>
    public long VectorParts { get; init; }

    /// <summary>How a search of the entry vectors is answered (<see cref="Vectors.VectorStore.SearchMethod"/>; null without vectors).</summary>
    public string? VectorSearch { get; init; }

    /// <summary>The same for the sentence views' rows (null when there are none).</summary>
    public string? VectorPartSearch { get; init; }
}
