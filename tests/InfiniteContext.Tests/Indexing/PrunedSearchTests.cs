using System.Text;
using FsCheck;
using FsCheck.Fluent;
using InfiniteContext.Indexing;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Indexing;

/// <summary>
/// The pruned (MaxScore) BM25 search must return exactly what the exhaustive search returns: the same documents in the
/// same order with the same float scores, over segments and tail, deletes, streams and every filter.
/// </summary>
public sealed class PrunedSearchTests : IDisposable
{
    private static readonly EnglishAnalyzer Analyzer = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Pruned_top_k_equals_the_exhaustive_top_k_on_random_corpora_and_queries()
    {
        Arbitrary<(int Seed, int Docs, int MergeFactor)> inputs =
            (from seed in Gen.Choose(0, int.MaxValue - 1)
             from docs in Gen.Choose(200, 2500)
             from factor in Gen.Choose(2, 12)
             select (seed, docs, factor)).ToArbitrary();

        int run = 0, compared = 0, withHits = 0, multiBlock = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(20), Prop.ForAll(inputs, input =>
        {
            var random = new Random(input.Seed);
            var vocabulary = new ZipfVocabulary(random, 300 + random.Next(600));
            var docs = Corpus(random, vocabulary, input.Docs, streams: 1 + random.Next(4));
            using var index = SegmentedLexicalIndex.Open(_dir.File($"run-{run++}"), Analyzer, new LexicalIndexOptions { MergeFactor = input.MergeFactor });

            // Several flushed segments (some merged), deletes in segments (pending until the next flush) and in the tail.
            int flushedUpTo = (int)(docs.Count * (0.5 + 0.4 * random.NextDouble()));
            for (int i = 0; i < flushedUpTo;)
            {
                int n = Math.Min(flushedUpTo - i, 1 + random.Next(Math.Max(1, docs.Count / 4)));
                index.Add(docs.GetRange(i, n));
                index.Delete(docs.Take(i + n).Where(_ => random.Next(40) == 0).Select(d => d.Seq).ToList());
                index.Flush();
                i += n;
            }
            index.Add(docs.GetRange(flushedUpTo, docs.Count - flushedUpTo));
            index.Delete(docs.Where(_ => random.Next(25) == 0).Select(d => d.Seq).ToList());
            if (vocabulary.Words.Any(w => index.Search(w, LexicalScope.All, 1000, exhaustive: true).Count > SkipBlocks.Size)) multiBlock++;

            string label = $"seed {input.Seed}, {input.Docs} docs, merge factor {input.MergeFactor}";
            for (int q = 0; q < 40; q++)
            {
                string query = Query(random, vocabulary);
                var scope = Scope(random);
                int top = random.Next(3) == 0 ? 1 + random.Next(3) : 1 + random.Next(120);
                var expected = index.Search(query, scope, top, exhaustive: true);
                var actual = index.Search(query, scope, top, exhaustive: false);
                string where = $"{label}, query '{query}', top {top}, scope {scope}";
                actual.Select(h => h.Seq).ShouldBe(expected.Select(h => h.Seq), where);
                // Bit-identical scores: the same float additions in the same order.
                actual.Select(h => h.Score).ShouldBe(expected.Select(h => h.Score), where);
                compared++;
                if (expected.Count > 0) withHits++;
            }
            return true;
        }));
        compared.ShouldBe(20 * 40);
        withHits.ShouldBeGreaterThan(compared / 2, "most queries should find something, or the comparison is vacuous");
        multiBlock.ShouldBeGreaterThan(0, "no corpus had a postings list longer than one skip block");
    }

    [Fact]
    public void Very_short_documents_with_high_term_frequency_are_never_pruned_away()
    {
        // The bound must hold for the shortest documents: a one-word document and a document repeating the term score highest.
        using var index = SegmentedLexicalIndex.Open(_dir.File("short"), Analyzer);
        var docs = new List<IndexedDoc>();
        var random = new Random(5);
        for (int i = 1; i <= 3000; i++)
        {
            string text = i switch
            {
                1777 => "plover",
                2222 => "plover plover plover plover plover plover plover plover plover plover",
                _ => "plover " + string.Join(' ', Enumerable.Repeat("gannet", 20 + random.Next(40))) + (random.Next(3) == 0 ? " heron" : ""),
            };
            docs.Add(new IndexedDoc(i, 1, text, IndexedDoc.NoTime, EntryRole.User, null, null));
            if (i % 1000 == 0)
            {
                index.Add(docs);
                index.Flush();
                docs.Clear();
            }
        }

        foreach (string query in new[] { "plover gannet heron", "heron plover", "plover" })
        {
            var expected = index.Search(query, LexicalScope.All, 5, exhaustive: true);
            var actual = index.Search(query, LexicalScope.All, 5);
            actual.ShouldBe(expected, query);
        }
        index.Search("plover", LexicalScope.All, 2).Select(h => h.Seq).ShouldBe([2222L, 1777L]);
    }

    [Fact]
    public void Bm25_parameters_without_monotone_bounds_fall_back_to_the_exhaustive_search()
    {
        // With b > 1 longer documents can score higher, so no length bound holds: results must still be the exhaustive ones.
        using var index = SegmentedLexicalIndex.Open(_dir.File("odd"), Analyzer, new LexicalIndexOptions { B = 1.5 });
        var random = new Random(9);
        var vocabulary = new ZipfVocabulary(random, 200);
        index.Add(Corpus(random, vocabulary, 800, streams: 2));
        index.Flush();
        for (int q = 0; q < 30; q++)
        {
            string query = Query(random, vocabulary);
            index.Search(query, LexicalScope.All, 10).ShouldBe(index.Search(query, LexicalScope.All, 10, exhaustive: true), query);
        }
    }

    private sealed class ZipfVocabulary
    {
        private readonly double[] _cumulative;
        private readonly Random _random;

        public ZipfVocabulary(Random random, int size)
        {
            _random = random;
            Words = Enumerable.Range(0, size).Select(Word).ToArray();
            _cumulative = new double[size];
            double total = 0;
            for (int i = 0; i < size; i++) _cumulative[i] = total += 1.0 / (i + 1);
        }

        public string[] Words { get; }

        public string Draw()
        {
            int i = Array.BinarySearch(_cumulative, _random.NextDouble() * _cumulative[^1]);
            return Words[Math.Min(Words.Length - 1, i < 0 ? ~i : i)];
        }

        private static string Word(int i)
        {
            const string consonants = "bdfgklmnprstvz";
            const string vowels = "aeiou";
            var chars = new StringBuilder("q");
            do
            {
                chars.Append(consonants[i % consonants.Length]);
                i /= consonants.Length;
                chars.Append(vowels[i % vowels.Length]);
                i /= vowels.Length;
            } while (i > 0);
            return chars.Append('x').ToString();
        }
    }

    private static List<IndexedDoc> Corpus(Random random, ZipfVocabulary vocabulary, int count, int streams)
    {
        string[] speakers = ["Ann", "Bob", "Cleo"];
        var docs = new List<IndexedDoc>(count);
        long seq = 1;
        for (int i = 0; i < count; i++)
        {
            // A fifth of the documents are very short: they carry the highest per-term scores.
            int words = random.Next(5) == 0 ? 1 + random.Next(3) : 5 + random.Next(60);
            var text = new StringBuilder();
            for (int w = 0; w < words; w++) text.Append(vocabulary.Draw()).Append(' ');
            seq += 1 + random.Next(3);
            docs.Add(new IndexedDoc(
                seq,
                1 + random.Next(streams),
                text.ToString(),
                random.Next(10) == 0 ? IndexedDoc.NoTime : 1_600_000_000_000L + i * 60_000L,
                (EntryRole)random.Next(0, 4),
                random.Next(4) == 0 ? null : speakers[random.Next(speakers.Length)],
                random.Next(3) == 0 ? null : "session-" + random.Next(3)));
        }
        return docs;
    }

    private static string Query(Random random, ZipfVocabulary vocabulary)
    {
        int terms = 1 + random.Next(12);
        var words = new List<string>();
        for (int i = 0; i < terms; i++)
        {
            // Mostly Zipf draws (common terms dominate, some repeat: qtf > 1), some rare words and words absent from the index.
            int kind = random.Next(10);
            words.Add(kind == 0 ? "qabsentx" : kind == 1 ? vocabulary.Words[random.Next(vocabulary.Words.Length)] : vocabulary.Draw());
        }
        return string.Join(' ', words);
    }

    private static LexicalScope Scope(Random random)
    {
        var scope = LexicalScope.All;
        if (random.Next(2) == 0) scope = scope with { StreamIds = Enumerable.Range(1, 1 + random.Next(2)).Select(_ => 1 + random.Next(4)).ToHashSet() };
        if (random.Next(5) == 0)
        {
            long from = 1_600_000_000_000L + random.Next(2500) * 60_000L;
            scope = random.Next(3) switch
            {
                0 => scope with { FromUnixMs = from },
                1 => scope with { ToUnixMs = from },
                _ => scope with { FromUnixMs = from, ToUnixMs = from + random.Next(1, 1000) * 60_000L },
            };
        }
        if (random.Next(6) == 0) scope = scope with { Role = (EntryRole)random.Next(0, 4) };
        if (random.Next(8) == 0) scope = scope with { Speaker = random.Next(2) == 0 ? "bob" : "Nobody" };
        if (random.Next(8) == 0) scope = scope with { Session = "SESSION-" + random.Next(3) };
        return scope;
    }
}
