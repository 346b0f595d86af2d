using System.Diagnostics;
using System.Text.Json;
using InfiniteContext.Embeddings;
using InfiniteContext.Indexing;
using InfiniteContext.Vectors;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// Exact vs approximate search outside BenchmarkDotNet: recall@10 against the exact scan and median latency for a
/// range of sizes and probe counts, on clustered synthetic vectors and on real arctic-embed-xs vectors of the
/// LoCoMo dev turns with the dev questions as queries. What chose <see cref="VectorIndexOptions"/>' defaults.
/// <code>
/// ann-sweep [--sizes 2000,5000,...] [--probes 4,8,...] [--queries 200] [--locomo-vectors file.vec --locomo questions.json]
/// </code>
/// </summary>
internal static class AnnSweep
{
    public static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var sizes = Arg("--sizes", "2000,5000,10000,20000,50000,100000").Split(',').Select(int.Parse).ToArray();
        var probes = Arg("--probes", "4,8,16,24,32,48").Split(',').Select(int.Parse).ToArray();
        int queries = int.Parse(Arg("--queries", "200"));
        string? locomoVectors = Arg("--locomo-vectors", "") is { Length: > 0 } lv ? lv : null;
        string? locomo = Arg("--locomo", "") is { Length: > 0 } lq ? lq : null;
        // "fresh": the index trained at exactly this size (lists at their shortest, as right after training);
        // "default": the training schedule of the default options (trained at 20k x 4^k <= n).
        string schedule = Arg("--schedule", "fresh");

        Console.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Vector<byte> {System.Numerics.Vector<byte>.Count} bytes");
        Console.WriteLine("set | vectors | lists | trained on | probes | exact p50 ms | ivf p50 ms | speed-up | recall@10");
        foreach (int n in sizes)
        {
            var options = schedule == "fresh" ? new VectorIndexOptions { ApproximateFrom = n } : VectorIndexOptions.Default;
            var sw = Stopwatch.StartNew();
            using var store = SyntheticVectorStore.OpenCopy(n, options, schedule);
            Console.Error.WriteLine($"opened {n} in {sw.Elapsed.TotalSeconds:F1} s");
            var qs = SyntheticVectorStore.Queries(n, queries);
            Report($"clustered", store, qs, probes);
        }

        if (locomoVectors is not null && locomo is not null)
        {
            string dir = Path.Combine(SyntheticVectorStore.CacheDirectory, "locomo");
            Directory.CreateDirectory(dir);
            string copy = Path.Combine(dir, Path.GetFileName(locomoVectors));
            File.Copy(locomoVectors, copy, overwrite: true);
            if (File.Exists(Path.ChangeExtension(copy, ".ivf"))) File.Delete(Path.ChangeExtension(copy, ".ivf"));
            string model = EmbeddedSentenceGenerator.ModelId(EmbeddedModel.ArcticXs);
            using var generator = new EmbeddedSentenceGenerator();
            int count;
            using (var probe = VectorStore.Open(copy, model, generator.Dimensions, readOnly: true, VectorIndexOptions.ExactOnly)) count = probe.Count;
            using var store = VectorStore.Open(copy, model, generator.Dimensions, readOnly: false, new VectorIndexOptions { ApproximateFrom = count });
            var questions = new List<string>();
            using (var doc = JsonDocument.Parse(File.ReadAllBytes(locomo)))
                foreach (var sample in doc.RootElement.EnumerateArray())
                    foreach (var qa in sample.GetProperty("qa").EnumerateArray())
                        questions.Add(qa.GetProperty("question").GetString()!);
            var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };
            var embedded = await generator.GenerateAsync(questions, options);
            Report("locomo-dev arctic-xs", store, embedded.Select(e => e.Vector.ToArray()).ToArray(), probes.Where(p => p * 2 <= store.ApproximateIndex!.ListCount).Prepend(1).Prepend(2).Distinct().Order().ToArray());
        }
    }

    private static void Report(string set, VectorStore store, float[][] queries, int[] probes)
    {
        var index = store.ApproximateIndex ?? throw new InvalidOperationException("No index was trained.");
        var exact = queries.Select(q => store.SearchExact(q, null, 10)).ToArray();
        double exactMs = Median(queries, q => store.SearchExact(q, null, 10));
        int byDefault = VectorIndexOptions.Default.ProbesFor(index.ListCount);
        foreach (int p in probes.Append(byDefault).Where(p => p <= index.ListCount).Distinct().Order())
        {
            double recall = 0;
            for (int i = 0; i < queries.Length; i++)
            {
                var truth = exact[i].Select(h => h.Seq).ToHashSet();
                recall += store.SearchApproximate(queries[i], 10, p).Count(h => truth.Contains(h.Seq)) / (double)Math.Max(1, truth.Count);
            }
            recall /= queries.Length;
            double annMs = Median(queries, q => store.SearchApproximate(q, 10, p));
            Console.WriteLine($"{set} | {store.Count:N0} | {index.ListCount} | {index.TrainedCount:N0} | {p}{(p == byDefault ? " (default)" : "")} | {exactMs:F3} | {annMs:F3} | {exactMs / annMs:F1}x | {recall:F3}");
        }
    }

    private static double Median(float[][] queries, Func<float[], IReadOnlyList<ScoredDoc>> search)
    {
        foreach (var q in queries.Take(20)) search(q); // warm-up
        var times = new double[queries.Length];
        for (int i = 0; i < queries.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            search(queries[i]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
