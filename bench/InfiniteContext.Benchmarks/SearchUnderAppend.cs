using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using InfiniteContext.Vectors;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// <c>search-under-append [--vectors N] [--queries N]</c>: what the background indexer's appends (a durable batch each,
/// fsync included) do to searches of the same vector store: p50 / p99 / max of exact top-10 searches alone, then with
/// one thread appending a batch of 64 vectors about every 10 ms (about 40x what the indexer's model produces), in one process. The 90th percentile and above is
/// where a search that waits behind an append shows. Also two threads searching at once against one doing the same searches.
/// </summary>
internal static class SearchUnderAppend
{
    private const int Dims = 384;

    public static void Run(string[] args)
    {
        int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        int count = Arg("--vectors", 20_000), queries = Arg("--queries", 2_000);
        string dir = Path.Combine(Path.GetTempPath(), "infctx-sua-" + Guid.NewGuid().ToString("N"));
        var random = new Random(3);
        try
        {
            using var store = VectorStore.Open(Path.Combine(dir, "v.vec"), "bench", Dims, readOnly: false, VectorIndexOptions.ExactOnly);
            long seq = 0;
            foreach (var chunk in Enumerable.Range(0, count).Chunk(4096))
                store.Append(chunk.Select(_ => (++seq, 1, (ReadOnlyMemory<float>)Unit(random))).ToList());
            var probes = Enumerable.Range(0, 64).Select(_ => Unit(random)).ToArray();
            Report("searches alone", Measure(store, probes, queries));
            // Two searching threads at once (two clients of one store): their total time against one thread doing all.
            var clock = Stopwatch.StartNew();
            Measure(store, probes, queries);
            double one = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var halves = new List<double>[2];
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, h => halves[h] = Measure(store, probes, queries / 2));
            double two = clock.Elapsed.TotalMilliseconds;
            var both = halves[0].Concat(halves[1]).Order().ToList();
            Report(string.Create(CultureInfo.InvariantCulture, $"two searching threads ({queries:N0} searches in {two:0} ms against {one:0} ms on one thread)"), both);
            using var stop = new CancellationTokenSource();
            long appended = 0;
            var appender = new Thread(() =>
            {
                var r = new Random(5);
                while (!stop.IsCancellationRequested)
                {
                    var batch = Enumerable.Range(0, 64).Select(_ => (Interlocked.Increment(ref seq), 1, (ReadOnlyMemory<float>)Unit(r))).ToList();
                    store.Append(batch);
                    Interlocked.Add(ref appended, batch.Count);
                    Thread.Sleep(10); // a batch every 10 ms or so: many times what the model lets the indexer embed

                }
            }) { IsBackground = true };
            appender.Start();
            var under = Measure(store, probes, queries);
            stop.Cancel();
            appender.Join();
            Report($"with appends ({Interlocked.Read(ref appended):N0} vectors appended meanwhile)", under);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<double> Measure(VectorStore store, float[][] probes, int queries)
    {
        var times = new List<double>(queries);
        for (int i = 0; i < queries; i++)
        {
            long start = Stopwatch.GetTimestamp();
            store.Search(probes[i & 63], null, 10);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    private static void Report(string label, List<double> t) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: p50 {t[t.Count / 2]:0.000} ms, p90 {t[t.Count * 9 / 10]:0.000}, p99 {t[t.Count * 99 / 100]:0.000}, max {t[^1]:0.000}"));

    private static float[] Unit(Random random)
    {
        var v = new float[Dims];
        for (int d = 0; d < Dims; d++) v[d] = (float)(random.NextDouble() * 2 - 1);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
