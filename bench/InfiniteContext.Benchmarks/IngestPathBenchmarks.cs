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

    // 50,000 distinct pseudo-words like the scale corpus's (several BPE tokens each, so a count runs real merges),
    // walked 64 per call: more distinct chunks than the library's own LRU cache holds, and a key set as large as the
    // corpus's, so lookups pay the cache misses they pay in an ingest (a handful of repeated keys would not).
    private const int Vocabulary = 50_000;
    private const int PerCall = 64;
    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "gr", "ch", "sh", "th", "br", "cl"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "oo"];
    private static readonly string[] Codas = ["", "n", "r", "s", "t", "l", "nd", "st", "ng", "m", "ck", "rt"];
    private string[] _chunks = [];
    private byte[][] _chunkBytes = [];
    private int _next;

    private readonly EnglishAnalyzer _analyzer = new();
    private readonly TermTable _table = new();
    private readonly TiktokenCounter _o200k = TiktokenCounter.Get(TiktokenCounter.O200kBase);
    private readonly ConcurrentDictionary<string, int> _shared = new(StringComparer.Ordinal);
    private readonly SpanMemo _memo = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < Vocabulary)
        {
            var sb = new System.Text.StringBuilder(" ");
            for (int s = 1 + random.Next(3); s > 0; s--)
                sb.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]).Append(Codas[random.Next(Codas.Length)]);
            words.Add(sb.ToString());
        }
        _chunks = [.. words.OrderBy(_ => random.Next())];
        _chunkBytes = [.. _chunks.Select(System.Text.Encoding.ASCII.GetBytes)];
        foreach (var w in _chunks)
        {
            _shared.TryAdd(w, w.Length);
            _memo.Add(w, w.Length);
        }
        _o200k.CountChunk(_chunkBytes[0]); // loads the ranks
    }

    private int Window()
    {
        int start = _next;
        _next = (_next + PerCall) % (Vocabulary - PerCall);
        return start;
    }

    [Benchmark(Baseline = true)]
    public int AnalyzeToChars() => AnalyzedText.Of(Paragraph, _analyzer).Count;

    [Benchmark]
    public int AnalyzeToIds() => AnalyzedText.Of(Paragraph, _analyzer, _table).Count;

    /// <summary>64 chunk counts by the library (what a cache miss cost before).</summary>
    [Benchmark]
    public int ChunkMissLibrary()
    {
        int n = 0, start = Window();
        for (int i = start; i < start + PerCall; i++) n += _o200k.CountChunkByLibrary(_chunks[i]);
        return n;
    }

    /// <summary>64 chunk counts by our BPE over the ranks (a cache miss now).</summary>
    [Benchmark]
    public int ChunkMissOurBpe()
    {
        int n = 0, start = Window();
        for (int i = start; i < start + PerCall; i++) n += _o200k.CountChunk(_chunkBytes[i]);
        return n;
    }

    /// <summary>64 lookups among 50,000 keys.</summary>
    [Benchmark]
    public int LookupConcurrentDictionary()
    {
        var lookup = _shared.GetAlternateLookup<ReadOnlySpan<char>>();
        int n = 0, start = Window();
        for (int i = start; i < start + PerCall; i++) n += lookup.TryGetValue(_chunks[i].AsSpan(), out int v) ? v : 0;
        return n;
    }

    [Benchmark]
    public int LookupSpanMemo()
    {
        int n = 0, start = Window();
        for (int i = start; i < start + PerCall; i++) n += _memo.TryGetValue(_chunks[i], out int v) ? v : 0;
        return n;
    }
}
