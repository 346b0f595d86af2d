using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using InfiniteContext.Text;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// The ingest path's per-entry work after the term-id and BPE changes: analysis into chars (what the index used to
/// receive) against analysis into term ids through the per-thread memos; the chunk count on a cache miss through the
/// library against our BPE; and the per-thread memo against the shared dictionary it fronts.
/// </summary>
[MemoryDiagnoser]
public class IngestPathBenchmarks
{
    private const string Paragraph =
        "Caroline went to the LGBTQ support group on 8 May, 2023, and said it was powerful. She's been researching " +
        "adoption agencies since May 2023; the interviews are on 2023-10-20. Melanie ran 1,000 metres in 3.5 minutes " +
        "on her 21st birthday and painted a sunrise by the lake with her kids, who loved the camping trip.";

    // Pseudo-words like the scale corpus's: each is several BPE tokens, so a miss runs real merges.
    private static readonly string[] Chunks = [" strouckling", " plaithorn", " Bremoustade", " chaiglent", " troovasting", " gleanthrock"];
    private static readonly byte[][] ChunkBytes = [.. Chunks.Select(System.Text.Encoding.ASCII.GetBytes)];

    private readonly EnglishAnalyzer _analyzer = new();
    private readonly TermTable _table = new();
    private readonly TiktokenCounter _o200k = TiktokenCounter.Get(TiktokenCounter.O200kBase);
    private readonly ConcurrentDictionary<string, int> _shared = new(StringComparer.Ordinal);
    private readonly SpanMemo _memo = new();
    private readonly string[] _words = Paragraph.Split(' ');

    [GlobalSetup]
    public void Setup()
    {
        foreach (var w in _words)
        {
            _shared.TryAdd(w, w.Length);
            if (!_memo.TryGetValue(w, out _)) _memo.Add(w, w.Length);
        }
        _o200k.CountChunk(ChunkBytes[0]); // loads the ranks
    }

    [Benchmark(Baseline = true)]
    public int AnalyzeToChars() => AnalyzedText.Of(Paragraph, _analyzer).Count;

    [Benchmark]
    public int AnalyzeToIds() => AnalyzedText.Of(Paragraph, _analyzer, _table).Count;

    [Benchmark]
    public int ChunkMissLibrary()
    {
        int n = 0;
        foreach (var c in Chunks) n += _o200k.CountChunkByLibrary(c);
        return n;
    }

    [Benchmark]
    public int ChunkMissOurBpe()
    {
        int n = 0;
        foreach (var c in ChunkBytes) n += _o200k.CountChunk(c);
        return n;
    }

    [Benchmark]
    public int LookupConcurrentDictionary()
    {
        var lookup = _shared.GetAlternateLookup<ReadOnlySpan<char>>();
        int n = 0;
        foreach (var w in _words) n += lookup.TryGetValue(w.AsSpan(), out int v) ? v : 0;
        return n;
    }

    [Benchmark]
    public int LookupSpanMemo()
    {
        int n = 0;
        foreach (var w in _words) n += _memo.TryGetValue(w, out int v) ? v : 0;
        return n;
    }
}
