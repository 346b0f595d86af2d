using BenchmarkDotNet.Attributes;
using InfiniteContext.Indexing;
using InfiniteContext.Text;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// BM25 over a ~1M-token index (Zipf vocabulary, 100 streams), as flushed segments: short queries (3 Zipf terms, top 10)
/// and long ones (10 terms, most of them common, top 100: what retrieval asks the lexical channel for), with MaxScore
/// pruning (the default) and with the exhaustive term-at-a-time search it replaced (<see cref="Exhaustive"/> = true).
/// </summary>
[MemoryDiagnoser]
public class LexicalSearchBenchmarks
{
    private string _dir = "";
    private SegmentedLexicalIndex _index = null!;
    private string[] _queries = [];
    private string[] _longQueries = [];

    [Params(false, true)]
    public bool Exhaustive { get; set; }
    private LexicalScope _oneStream = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "infctx-bench-" + Guid.NewGuid().ToString("N"));
        _index = SegmentedLexicalIndex.Open(_dir, new EnglishAnalyzer());
        var random = new Random(42);
        string[] vocabulary = Enumerable.Range(0, 20_000).Select(i => Word(i)).ToArray();
        var cumulative = new double[vocabulary.Length];
        double total = 0;
        for (int i = 0; i < vocabulary.Length; i++) cumulative[i] = total += 1.0 / (i + 1);
        string Draw()
        {
            int i = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return vocabulary[i < 0 ? ~i : i];
        }
        var docs = new List<IndexedDoc>();
        for (int seq = 1; seq <= 15_000; seq++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 40 + random.Next(80)).Select(_ => Draw()));
            docs.Add(new IndexedDoc(seq, seq % 100, text, IndexedDoc.NoTime, EntryRole.User, null, null));
            if (docs.Count == 2048)
            {
                _index.Add(docs);
                _index.Flush();
                docs.Clear();
            }
        }
        _index.Add(docs);
        _index.Flush();
        _queries = Enumerable.Range(0, 64).Select(_ => string.Join(' ', Enumerable.Range(0, 3).Select(_ => Draw()))).ToArray();
        // Like a needle question: a few rarer content words among common ones.
        _longQueries = Enumerable.Range(0, 64).Select(_ => string.Join(' ',
            Enumerable.Range(0, 10).Select(i => i < 3 ? vocabulary[200 + random.Next(5_000)] : Draw()))).ToArray();
        _oneStream = new LexicalScope { StreamIds = new HashSet<int> { 7 } };
    }

    private static string Word(int i)
    {
        const string letters = "bcdfghjklmnprstvwz";
        const string vowels = "aeiou";
        var chars = new List<char>();
        do
        {
            chars.Add(letters[i % letters.Length]);
            i /= letters.Length;
            chars.Add(vowels[i % vowels.Length]);
            i /= vowels.Length;
        } while (i > 0);
        return new string([.. chars]);
    }

    [Benchmark(Baseline = true)]
    public int AllStreams() => _index.Search(_queries[_next++ & 63], LexicalScope.All, 10, Exhaustive).Count;

    [Benchmark]
    public int OneStream() => _index.Search(_queries[_next++ & 63], _oneStream, 10, Exhaustive).Count;

    [Benchmark]
    public int LongQueryAllStreams() => _index.Search(_longQueries[_next++ & 63], LexicalScope.All, 100, Exhaustive).Count;

    [Benchmark]
    public int LongQueryOneStream() => _index.Search(_longQueries[_next++ & 63], _oneStream, 100, Exhaustive).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
