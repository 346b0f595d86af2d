using BenchmarkDotNet.Attributes;
using InfiniteContext.Text;

namespace InfiniteContext.Benchmarks;

/// <summary>Exact token counting is on the ingest path (every entry) and the context path (every line): its cost bounds both.</summary>
[MemoryDiagnoser]
public class TokenCounterBenchmarks
{
    private const string Paragraph =
        "Caroline went to the LGBTQ support group on 8 May, 2023, and said it was powerful. She's been researching " +
        "adoption agencies since May 2023; the interviews are on 2023-10-20. Melanie ran 1,000 metres in 3.5 minutes.";

    private readonly TiktokenCounter _o200k = TiktokenCounter.Get(TiktokenCounter.O200kBase);
    private readonly ITokenCounter _cl100k = TiktokenCounter.Get(TiktokenCounter.Cl100kBase);

    /// <summary>The library's own count (regex pre-tokenizer, BPE): what every count cost before the chunk cache.</summary>
    [Benchmark(Baseline = true)]
    public int O200kLibrary() => _o200k.CountTokensUncached(Paragraph);

    /// <summary>Our ASCII chunk scanner and per-chunk count cache (warm after the first iteration), exact by test.</summary>
    [Benchmark]
    public int O200k() => _o200k.CountTokens(Paragraph);

    [Benchmark]
    public int Cl100k() => _cl100k.CountTokens(Paragraph);
}
