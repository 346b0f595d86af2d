using System.Text;
using InfiniteContext.Indexing;
using InfiniteContext.Retrieval;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>
/// Ingest analyzes into term ids (a shared <see cref="TermTable"/>, per-thread memos that skip the stop list and the
/// stemmer for a word seen before) and the index writer maps ids to its terms. That path must give exactly what the
/// analyzer gives and exactly the segments the string path writes; these compare them on random and real text.
/// </summary>
public sealed class TermIdsEquivalenceTests : IDisposable
{
    private static readonly EnglishAnalyzer Analyzer = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Pieces =
    [
        "Caroline", "caroline's", "RUNNING", "runs", "adoption", "adopted", "the", "a", "and", "don't", "I've", "it's",
        "May", "may", "March", "8", "8th", "21st", "2023", "2023-05-08", "1,000", "3.5", "10,5", "May 8, 2023", "8 May 2023",
        "sept", "Sept.", "of", "Zoë", "café", "naïve", "ＣＡＦＥ", "ﬁne", "x1", "abc123", "hyper-active", "e-mail", "U.S.A.",
        "generalization", "relational", "hopping", "fizzed", "agreed", "cats", "ponies", "caress", "sky", "'quoted'", "\"x\"",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "---", "...", "\n", "\t", "  ",
    ];

    private static List<string> RandomTexts(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new List<string>(count);
        var sb = new StringBuilder();
        for (int n = 0; n < count; n++)
        {
            sb.Clear();
            for (int w = random.Next(0, 40); w > 0; w--)
            {
                if (random.Next(6) == 0)
                    for (int c = random.Next(1, 10); c > 0; c--) sb.Append((char)(random.Next(4) == 0 ? random.Next(32, 0x250) : random.Next('a', 'z' + 1)));
                else
                    sb.Append(Pieces[random.Next(Pieces.Length)]);
                sb.Append(random.Next(5) == 0 ? ", " : " ");
            }
            texts.Add(sb.ToString());
        }
        return texts;
    }

    private sealed class Collect : ITermSink
    {
        public List<string> Terms { get; } = [];
        public void OnTerm(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }

    private static List<string> Direct(string text)
    {
        var sink = new Collect();
        Analyzer.Analyze(text, sink);
        return sink.Terms;
    }

    [Fact]
    public void Ids_give_the_analyzers_own_terms_on_random_text_cold_and_warm()
    {
        var table = new TermTable();
        var texts = RandomTexts(6_000, 20261202);
        for (int pass = 0; pass < 2; pass++) // the second pass runs on warm memos
        {
            foreach (string text in texts)
            {
                var analyzed = AnalyzedText.Of(text, Analyzer, table);
                var expected = Direct(text);
                analyzed.Count.ShouldBe(expected.Count, text);
                for (int i = 0; i < expected.Count; i++) analyzed[i].ToString().ShouldBe(expected[i], text);
            }
        }
    }

    [Fact]
    public void The_speaker_prefixed_view_is_analyzed_as_its_string_would_be()
    {
        var table = new TermTable();
        var random = new Random(3);
        foreach (string text in RandomTexts(2_000, 11))
        {
            string? speaker = random.Next(4) switch { 0 => null, 1 => " ", 2 => "May", _ => Pieces[random.Next(Pieces.Length)] };
            var expected = Direct(RetrievalText.For(speaker, text));
            foreach (var analyzed in new[] { AnalyzedText.OfRetrievalText(speaker, text, Analyzer, table), AnalyzedText.OfRetrievalText(speaker, text, Analyzer, null) })
            {
                analyzed.Count.ShouldBe(expected.Count);
                for (int i = 0; i < expected.Count; i++) analyzed[i].ToString().ShouldBe(expected[i]);
            }
        }
    }

    [Fact]
    public void Real_text_analyzes_the_same_through_ids()
    {
        var table = new TermTable();
        string fixture = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json"));
        foreach (string line in fixture.Split('\n'))
        {
            var analyzed = AnalyzedText.Of(line, Analyzer, table);
            var expected = Direct(line);
            analyzed.Count.ShouldBe(expected.Count);
            for (int i = 0; i < expected.Count; i++) analyzed[i].ToString().ShouldBe(expected[i]);
        }
    }

    [Fact]
    public void Segments_built_from_ids_are_byte_for_byte_those_built_from_text()
    {
        var texts = RandomTexts(3_000, 99);
        string byText = _dir.File("by-text"), byIds = _dir.File("by-ids");
        using (var plain = SegmentedLexicalIndex.Open(byText, Analyzer))
        using (var ids = SegmentedLexicalIndex.Open(byIds, Analyzer))
        {
            var foreign = new TermTable(); // some documents arrive analyzed against another table: added by their strings
            for (int start = 0; start < texts.Count; start += 500)
            {
                var batch = Enumerable.Range(start, Math.Min(500, texts.Count - start)).ToList();
                IndexedDoc Doc(int i) => new(i + 1, i % 7, texts[i], i * 1000L, EntryRole.User, i % 3 == 0 ? "Caroline" : null, $"s{i / 100}");
                plain.Add(batch.Select(Doc).ToList());
                ids.Add(batch.Select(i => Doc(i) with { Text = "", Analyzed = AnalyzedText.Of(texts[i], Analyzer, i % 11 == 0 ? foreign : ids.IngestTerms) }).ToList());
                if (start == 1_500)
                {
                    plain.Flush();
                    ids.Flush();
                }
            }
            foreach (string query in new[] { "caroline adoption", "may 2023", "running cats", "1000 cafe" })
                ids.Search(query, LexicalScope.All, 10).ShouldBe(plain.Search(query, LexicalScope.All, 10));
            plain.Flush();
            ids.Flush();
        }
        var segments = Directory.GetFiles(byText, "*.lx").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        segments.Count.ShouldBe(2);
        Directory.GetFiles(byIds, "*.lx").Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(segments);
        foreach (var name in segments)
            File.ReadAllBytes(Path.Combine(byIds, name!)).ShouldBe(File.ReadAllBytes(Path.Combine(byText, name!)), name);
    }
}
