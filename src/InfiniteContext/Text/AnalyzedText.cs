namespace InfiniteContext.Text;

/// <summary>
/// A text's analyzer output, kept compactly: either one char buffer and term ends (no string per term), or, when
/// analyzed against a <see cref="TermTable"/>, one id per term occurrence. Ingest analyzes each batch on all cores
/// before the single-threaded commit, so the index writer only maps ids (or looks terms up).
/// </summary>
public sealed class AnalyzedText
{
    private readonly char[]? _chars;
    private readonly int[] _ends; // term ends in _chars, or term ids in Table
    private readonly int _count;

    private AnalyzedText(char[]? chars, int[] ends, int count, TermTable? table)
    {
        _chars = chars;
        _ends = ends;
        _count = count;
        Table = table;
    }

    /// <summary>Number of term occurrences (the document's BM25 length).</summary>
    public int Count => _count;

    /// <summary>The table whose ids <see cref="TermIds"/> are; null when the terms are kept as chars.</summary>
    internal TermTable? Table { get; }

    /// <summary>The terms' ids in <see cref="Table"/>, in text order.</summary>
    internal ReadOnlySpan<int> TermIds => Table is null ? throw new InvalidOperationException("Analyzed without a term table.") : _ends.AsSpan(0, _count);

    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            if (Table is { } table) return table.Term(_ends[index]);
            int start = index == 0 ? 0 : _ends[index - 1];
            return _chars.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>Feeds the terms, in text order, to a sink as the analyzer itself would have.</summary>
    public void Replay(ITermSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        for (int i = 0; i < _count; i++) sink.OnTerm(this[i]);
    }

    public static AnalyzedText Of(ReadOnlySpan<char> text, ITextAnalyzer analyzer)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var scratch = t_scratch ??= new Collector();
        scratch.Reset(null);
        analyzer.Analyze(text, scratch);
        return new AnalyzedText(scratch.Chars[..scratch.Length], scratch.Ends[..scratch.Count], scratch.Count, null);
    }

    /// <summary>Analyzes <paramref name="text"/> into ids of <paramref name="table"/> (which gains the text's new terms).</summary>
    internal static AnalyzedText Of(ReadOnlySpan<char> text, ITextAnalyzer analyzer, TermTable table)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(table);
        var scratch = t_scratch ??= new Collector();
        scratch.Reset(table);
        analyzer.Analyze(text, scratch);
        return new AnalyzedText(null, scratch.Ends[..scratch.Count], scratch.Count, table);
    }

    /// <summary>
    /// The retrieval view "speaker: text" (<see cref="Retrieval.RetrievalText"/>) analyzed without building its string:
    /// the analyzer sees the same chars, joined in a reused per-thread buffer.
    /// </summary>
    internal static AnalyzedText OfRetrievalText(string? speaker, string text, ITextAnalyzer analyzer, TermTable? table)
    {
        if (string.IsNullOrWhiteSpace(speaker)) return table is null ? Of(text, analyzer) : Of(text, analyzer, table);
        int length = speaker.Length + 2 + text.Length;
        var buffer = t_join is { } b && b.Length >= length ? b : t_join = new char[Math.Max(length, 4096)];
        speaker.CopyTo(buffer);
        buffer[speaker.Length] = ':';
        buffer[speaker.Length + 1] = ' ';
        text.CopyTo(buffer.AsSpan(speaker.Length + 2));
        var joined = buffer.AsSpan(0, length);
        var result = table is null ? Of(joined, analyzer) : Of(joined, analyzer, table);
        if (buffer.Length > 1 << 20) t_join = null; // do not keep a huge entry's buffer alive
        return result;
    }

    [ThreadStatic] private static Collector? t_scratch;
    [ThreadStatic] private static char[]? t_join;

    /// <summary>
    /// Collects a text's terms as chars, or as ids of a table. For ids, two per-thread memos sit in front of the shared
    /// table: plain words to their term's id (or "stop word", so the analyzer neither checks stop words nor stems a
    /// word it has seen), and other terms (numbers, dates) to their id.
    /// </summary>
    private sealed class Collector : IWordTermSink
    {
        private const int StopWord = -1;

        public char[] Chars = new char[1024];
        public int[] Ends = new int[256];
        public int Length;
        public int Count;
        private TermTable? _table;
        private TermTable? _memoTable;
        // Bounded (each starts over when full): a text of endless distinct tokens costs re-warming, not memory.
        private readonly SpanMemo _words = new(1 << 18);
        private readonly SpanMemo _terms = new(1 << 18);

        public void Reset(TermTable? table)
        {
            Length = Count = 0;
            _table = table;
            if (table is not null && table != _memoTable)
            {
                _words.Clear();
                _terms.Clear();
                _memoTable = table;
            }
        }

        public bool TryWord(ReadOnlySpan<char> word)
        {
            if (_table is null || !_words.TryGetValue(word, out int id)) return false;
            if (id != StopWord) AddId(id);
            return true;
        }

        public void OnWord(ReadOnlySpan<char> word, ReadOnlySpan<char> term, bool isStopWord)
        {
            if (_table is not { } table)
            {
                if (!isStopWord) OnTerm(term);
                return;
            }
            int id = isStopWord ? StopWord : table.GetOrAdd(term);
            _words.Add(word, id);
            if (id != StopWord) AddId(id);
        }

        private void AddId(int id)
        {
            if (Count == Ends.Length) Array.Resize(ref Ends, Ends.Length * 2);
            Ends[Count++] = id;
        }

        public void OnTerm(ReadOnlySpan<char> term)
        {
            if (_table is { } table)
            {
                if (!_terms.TryGetValue(term, out int id))
                {
                    id = table.GetOrAdd(term);
                    _terms.Add(term, id);
                }
                AddId(id);
                return;
            }
            if (Count == Ends.Length) Array.Resize(ref Ends, Ends.Length * 2);
            if (Length + term.Length > Chars.Length) Array.Resize(ref Chars, Math.Max(Chars.Length * 2, Length + term.Length));
            term.CopyTo(Chars.AsSpan(Length));
            Length += term.Length;
            Ends[Count++] = Length;
        }
    }
}
