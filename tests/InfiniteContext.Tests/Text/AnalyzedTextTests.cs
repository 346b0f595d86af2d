using InfiniteContext.Indexing;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>Ingest analyzes text before the commit, on all cores; what it hands the index must be what the index would have computed.</summary>
public sealed class AnalyzedTextTests : IDisposable
{
    private static readonly EnglishAnalyzer Analyzer = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Collect : ITermSink
    {
        public List<string> Terms { get; } = [];
        public void OnTerm(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Caroline: I've been researching adoption agencies since 8 May 2023!")]
    [InlineData("Zoë's café — naïve résumé, ＣＡＦＥ and 1,000 metres in 3.5 minutes")]
    public void Replay_gives_the_analyzers_own_terms_in_order(string text)
    {
        var direct = new Collect();
        Analyzer.Analyze(text, direct);
        var replayed = new Collect();
        var analyzed = AnalyzedText.Of(text, Analyzer);
        analyzed.Replay(replayed);

        replayed.Terms.ShouldBe(direct.Terms);
        analyzed.Count.ShouldBe(direct.Terms.Count);
        for (int i = 0; i < analyzed.Count; i++) analyzed[i].ToString().ShouldBe(direct.Terms[i]);
    }

    [Fact]
    public void A_long_text_grows_the_scratch_buffers_without_losing_terms()
    {
        string text = string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"word{i} thing{i % 97}"));
        var direct = new Collect();
        Analyzer.Analyze(text, direct);
        var analyzed = AnalyzedText.Of(text, Analyzer);
        analyzed.Count.ShouldBe(direct.Terms.Count);
        analyzed[analyzed.Count - 1].ToString().ShouldBe(direct.Terms[^1]);
        // The scratch is reused: a short text afterwards holds only its own terms.
        AnalyzedText.Of("one two", Analyzer).Count.ShouldBe(2);
    }

    [Fact]
    public void An_index_fed_pre_analyzed_documents_ranks_exactly_as_one_that_analyzes_them()
    {
        var texts = new[]
        {
            "Melanie painted a lake at sunrise last summer",
            "Caroline went to the LGBTQ support group yesterday",
            "The support group met again; Caroline spoke about adoption",
            "Painting helps Melanie relax after work",
            "Adoption agencies called Caroline back in May",
        };
        using var plain = SegmentedLexicalIndex.Open(_dir.File("plain"), Analyzer);
        using var pre = SegmentedLexicalIndex.Open(_dir.File("pre"), Analyzer);
        plain.Add(texts.Select((t, i) => new IndexedDoc(i + 1, 1, t, IndexedDoc.NoTime, EntryRole.User, null, null)).ToList());
        pre.Add(texts.Select((t, i) => new IndexedDoc(i + 1, 1, t, IndexedDoc.NoTime, EntryRole.User, null, null) { Analyzed = AnalyzedText.Of(t, Analyzer) }).ToList());
        plain.Flush();
        pre.Flush();

        foreach (string query in new[] { "support group", "Caroline adoption", "painting lake", "summer sunrise" })
            pre.Search(query, LexicalScope.All, 5).ShouldBe(plain.Search(query, LexicalScope.All, 5));
        pre.GetStats().Postings.ShouldBe(plain.GetStats().Postings);
    }
}
