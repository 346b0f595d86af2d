namespace InfiniteContext.Indexing;

/// <summary>
/// What search and merge need from a run of indexed documents, whether an immutable on-disk segment or
/// the in-memory tail: per-document fields for filters and BM25, and per-term postings.
/// Local doc ids are 0..DocCount-1 in ascending seq order.
/// </summary>
internal interface IDocSource
{
    int DocCount { get; }
    int DeletedCount { get; }
    long Seq(int doc);
    int StreamId(int doc);
    long Time(int doc);
    int Length(int doc);
    EntryRole Role(int doc);
    int SpeakerSymbol(int doc);
    int SessionSymbol(int doc);
    int SymbolCount { get; }
    string Symbol(int id);
    bool IsDeleted(int doc);
    /// <summary>Marks a doc deleted; false if it already was.</summary>
    bool MarkDeleted(int doc);
    bool TryGetPostings(ReadOnlySpan<char> term, out PostingsCursor cursor);
    /// <summary>Every term with its postings, in ascending ordinal order of the term's UTF-8 bytes.</summary>
    IEnumerable<(string Term, PostingsCursor Postings)> AllTerms();
    long TermCount { get; }
    /// <summary>Streams, time span and roles of the source's documents (deleted ones included).</summary>
    SourceSummary Summary { get; }
    long PostingCount { get; }
}

internal static class DocSourceExtensions
{
    /// <summary>The local doc holding <paramref name="seq"/>, or -1.</summary>
    public static int FindSeq(this IDocSource source, long seq)
    {
        int lo = 0, hi = source.DocCount - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long s = source.Seq(mid);
            if (s == seq) return mid;
            if (s < seq) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>Symbol ids whose (lower-cased) text equals <paramref name="value"/>, ignoring case.</summary>
    public static int FindSymbol(this IDocSource source, string value)
    {
        for (int i = 0; i < source.SymbolCount; i++)
            if (string.Equals(source.Symbol(i), value, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
