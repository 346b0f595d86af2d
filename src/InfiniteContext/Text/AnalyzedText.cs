namespace InfiniteContext.Text;

/// <summary>
/// A text's analyzer output, kept compactly (one char buffer and term ends, no string per term). Ingest
/// analyzes each batch on all cores before the single-threaded commit, so the index writer only looks terms up.
/// </summary>
public sealed class AnalyzedText
{
    private readonly char[] _chars;
    private readonly int[] _ends;

    private AnalyzedText(char[] chars, int[] ends)
    {
        _chars = chars;
        _ends = ends;
    }

    /// <summary>Number of term occurrences (the document's BM25 length).</summary>
    public int Count => _ends.Length;

    public ReadOnlySpan<char> this[int index] => _chars.AsSpan(index == 0 ? 0 : _ends[index - 1], _ends[index] - (index == 0 ? 0 : _ends[index - 1]));

    /// <summary>Feeds the terms, in text order, to a sink as the analyzer itself would have.</summary>
    public void Replay(ITermSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int start = 0;
        foreach (int end in _ends)
        {
            sink.OnTerm(_chars.AsSpan(start, end - start));
            start = end;
        }
    }

    public static AnalyzedText Of(ReadOnlySpan<char> text, ITextAnalyzer analyzer)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var scratch = t_scratch ??= new Collector();
        scratch.Reset();
        analyzer.Analyze(text, scratch);
        return new AnalyzedText(scratch.Chars[..scratch.Length], scratch.Ends[..scratch.Count]);
    }

    [ThreadStatic] private static Collector? t_scratch;

    private sealed class Collector : ITermSink
    {
        public char[] Chars = new char[1024];
        public int[] Ends = new int[256];
        public int Length;
        public int Count;

        public void Reset() => Length = Count = 0;

        public void OnTerm(ReadOnlySpan<char> term)
        {
            if (Length + term.Length > Chars.Length) Array.Resize(ref Chars, Math.Max(Chars.Length * 2, Length + term.Length));
            if (Count == Ends.Length) Array.Resize(ref Ends, Ends.Length * 2);
            term.CopyTo(Chars.AsSpan(Length));
            Length += term.Length;
            Ends[Count++] = Length;
        }
    }
}
