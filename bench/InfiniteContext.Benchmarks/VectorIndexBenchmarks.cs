using BenchmarkDotNet.Attributes;
using InfiniteContext.Vectors;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// Top-10 over clustered 384-dim vectors: the exact int8 scan against the store's search with an IVF index trained at
/// 10k, 100k and 1M vectors. With the default probe factor only the 1M index is probed (at 10k and 100k it would
/// probe more than half its lists, so the store answers by its scans: exact at 10k, projected at 100k). Recall against the exact scan is measured by <c>ann-sweep</c> (AnnSweep), not here.
/// The first run writes the vector files under <see cref="SyntheticVectorStore.CacheDirectory"/> (a minute for 1M).
/// </summary>
[MemoryDiagnoser]
public class VectorIndexBenchmarks
{
    private VectorStore _store = null!;
    private float[][] _queries = [];
    private int _next;

    [Params(10_000, 100_000, 1_000_000)]
    public int Vectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new VectorIndexOptions { ApproximateFrom = Math.Min(Vectors, VectorIndexOptions.Default.ApproximateFrom) };
        _store = SyntheticVectorStore.OpenCopy(Vectors, options, "bdn");
        if (!_store.HasApproximateIndex) throw new InvalidOperationException("The index was not trained.");
        _queries = SyntheticVectorStore.Queries(Vectors, 64);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public long Exact() => _store.SearchExact(_queries[_next++ & 63], null, 10)[0].Seq;

    [Benchmark]
    public long Ivf() => _store.Search(_queries[_next++ & 63], null, 10)[0].Seq;
}
