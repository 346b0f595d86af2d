using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using InfiniteContext.Vectors;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// Exact top-10 over 100,000 384-dim vectors: our int8 scan (VectorStore) side by side with a float32
/// TensorPrimitives.Dot scan over the same vectors, the baseline an int8 code must beat to earn its place; and the
/// projected scan (128 directions first, the best 8 x top rescored) over the same vectors at top 10 and top 100, what
/// a store between <see cref="VectorIndexOptions.ProjectFrom"/> and <see cref="VectorIndexOptions.ApproximateFrom"/>
/// does (its recall is measured on real vectors by <c>query-path</c>: these are uniform, where no projection keeps much).
/// </summary>
[MemoryDiagnoser]
public class VectorSearchBenchmarks
{
    private const int Dimensions = 384;
    private const int Count = 100_000;
    private string _dir = "";
    private VectorStore _store = null!;
    private VectorStore _projected = null!;
    private float[] _floats = [];
    private float[][] _queries = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "infctx-vbench-" + Guid.NewGuid().ToString("N"));
        _store = VectorStore.Open(Path.Combine(_dir, "bench.vec"), "bench", Dimensions, readOnly: false, VectorIndexOptions.ExactOnly); // the exact scan: VectorIndexBenchmarks compares it with the index
        var random = new Random(7);
        _floats = new float[Count * Dimensions];
        var batch = new List<(long, int, ReadOnlyMemory<float>)>();
        for (int i = 0; i < Count; i++)
        {
            var v = UnitVector(random);
            v.CopyTo(_floats, i * Dimensions);
            batch.Add((i + 1, 1, v));
            if (batch.Count == 4096)
            {
                _store.Append(batch);
                batch.Clear();
            }
        }
        _store.Append(batch);
        _store.Dispose();
        _store = VectorStore.Open(Path.Combine(_dir, "bench.vec"), "bench", Dimensions, readOnly: true, VectorIndexOptions.ExactOnly);
        // A writer computes the projection (a reader would scan exactly without its file).
        _projected = VectorStore.Open(Path.Combine(_dir, "bench.vec"), "bench", Dimensions, readOnly: false, VectorIndexOptions.Default with { ApproximateFrom = 0 });
        _queries = Enumerable.Range(0, 64).Select(_ => UnitVector(random)).ToArray();
    }

    private static float[] UnitVector(Random random)
    {
        var v = new float[Dimensions];
        for (int d = 0; d < Dimensions; d++) v[d] = (float)(random.NextDouble() * 2 - 1);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _projected.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long Float32Scan()
    {
        var q = _queries[_next++ & 63];
        var heap = new PriorityQueue<long, float>(11);
        for (int i = 0; i < Count; i++)
        {
            float s = TensorPrimitives.Dot(q, _floats.AsSpan(i * Dimensions, Dimensions));
            if (heap.Count < 10) heap.Enqueue(i, s);
            else if (heap.TryPeek(out _, out float min) && s > min) heap.EnqueueDequeue(i, s);
        }
        return heap.Peek();
    }

    [Benchmark]
    public long Int8Scan() => _store.Search(_queries[_next++ & 63], null, 10)[0].Seq;

    [Benchmark]
    public long ProjectedScan() => _projected.Search(_queries[_next++ & 63], null, 10)[0].Seq;

    [Benchmark]
    public long Int8ScanTop100() => _store.Search(_queries[_next++ & 63], null, 100)[0].Seq;

    [Benchmark]
    public long ProjectedScanTop100() => _projected.Search(_queries[_next++ & 63], null, 100)[0].Seq;
}
