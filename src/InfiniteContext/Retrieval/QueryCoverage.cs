using InfiniteContext.Text;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Which of a query's terms an entry contains, as a bit set over the query's distinct analyzed terms (the
/// lexical analyzer's stems, stop words dropped). Two entries with the same coverage are, as far as the query
/// can tell, about the same thing: "the gate for flight LH 307" and "the gate for flight BA 307" differ on "lh",
/// so for a question about LH 307 they are different facts however alike their wording. Words that only mark
/// the question as one about the present ("now", "current") are not topic terms and are left out.
/// </summary>
internal sealed class QueryCoverage
{
    /// <summary>Terms past this many are ignored (a bit each); queries are far shorter.</summary>
    public const int MaxTerms = 64;

    private static readonly EnglishAnalyzer Analyzer = new();
    private readonly Dictionary<string, int> _bit;

    private QueryCoverage(Dictionary<string, int> bit) => _bit = bit;

    public int Count => _bit.Count;

    /// <summary>The coverage of an entry that holds every query term.</summary>
    public ulong Full => _bit.Count == MaxTerms ? ulong.MaxValue : (1UL << _bit.Count) - 1;

    public static QueryCoverage For(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var bit = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string term in Terms(RecencyPreference.WithoutCurrentStateCues(query)))
            if (bit.Count < MaxTerms) bit.TryAdd(term, bit.Count);
        return new QueryCoverage(bit);
    }

    /// <summary>The query terms the entry's retrieval text (speaker included, as the index sees it) contains.</summary>
    public ulong Of(Entry entry)
    {
        ulong mask = 0;
        foreach (string term in Terms(RetrievalText.For(entry)))
            if (_bit.TryGetValue(term, out int b)) mask |= 1UL << b;
        return mask;
    }

    private static List<string> Terms(string text)
    {
        var sink = new Collector();
        Analyzer.Analyze(text, sink);
        return sink.Terms;
    }

    private sealed class Collector : ITermSink
    {
        public List<string> Terms { get; } = [];
        public void OnTerm(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }
}
