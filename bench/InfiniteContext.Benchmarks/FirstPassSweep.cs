using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using InfiniteContext.Embeddings;
using InfiniteContext.Evaluation;
using InfiniteContext.Vectors;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// What a vector search can read less of and still find the exact scan's rows, on a real store's vector file and the
/// needle questions of the haystack it holds (<c>eval niah --store</c>). What chose the projected scan's rank and
/// rescoring factor (docs/BENCHMARKS.md, "Vector index: the projected scan").
/// <code>
/// first-pass-sweep --file x.vec|x.parts.vec --niah-tokens N --top K
///     [--partitions current,plain,centered,centered+spill]   IVF partitions: recall@10 and @K against exact at equal rows read
///     [--probes 24,36,54,72]                                  lists probed for each partition variant
///     [--lists N]                                             lists of "current" (default: as IvfIndex trains on the file's size)
///     [--ranks 64,96,128]                                    projected first pass of each rank: recall by rescoring window
///     [--timing]                                              the store's projected scan against its exact scan, per factor and top
/// </code>
/// </summary>
internal static class FirstPassSweep
{
    private const int Dims = 384;

    public static async Task RunAsync(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        string file = Arg("--file") ?? throw new ArgumentException("--file is required");
        long niahTokens = long.Parse(Arg("--niah-tokens") ?? "10000000", CultureInfo.InvariantCulture);
        int top = int.Parse(Arg("--top") ?? "10", CultureInfo.InvariantCulture);
        using var model = new EmbeddedSentenceGenerator();
        sbyte[] codes;
        float[] scales;
        using (var rows = VectorStore.Open(file, model.Metadata.DefaultModelId!, Dims, readOnly: true, VectorIndexOptions.ExactOnly))
            (codes, scales) = rows.CopyRows();
        int n = scales.Length;
        Console.WriteLine($"{file}: {n:N0} rows");

        var input = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };
        var queries = new List<(sbyte[] Code, float Scale, float[] Vector)>();
        foreach (var p in NiahPlan.Create(niahTokens, new NiahOptions { NeedlesPerCell = 5 }).Probes)
        {
            var v = (await model.GenerateAsync([p.Question], input))[0].Vector.ToArray();
            var code = new sbyte[Dims];
            queries.Add((code, Int8VectorCodec.Encode(v, code), v));
        }
        var exact = queries.Select(q => Best(codes, scales, Dims, q.Code, q.Scale, Enumerable.Range(0, n), top)).ToList();

        if (Arg("--partitions") is { } partitions)
        {
            int[] probes = (Arg("--probes") ?? "24,36,54,72").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            int? listCount = Arg("--lists") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : null;
            foreach (string variant in partitions.Split(',')) Partitions(variant, codes, scales, n, queries, exact, top, probes, listCount);
        }
        if (Arg("--ranks") is { } ranks)
            foreach (int rank in ranks.Split(',').Select(int.Parse)) Ranks(rank, codes, scales, n, queries, exact, top);
        if (args.Contains("--timing"))
            Timing(file, model.Metadata.DefaultModelId!, queries);
    }

    /// <summary>
    /// IVF partitions of the rows: "current" is <see cref="IvfIndex"/> as trained (with its stray list); "plain" the
    /// same k-means without strays; "centered" clusters the rows' offsets from their mean; "+spill" also files a row
    /// in its second list when that centroid is within 10% of the first.
    /// </summary>
    private static void Partitions(string variant, sbyte[] codes, float[] scales, int n, List<(sbyte[] Code, float Scale, float[] Vector)> queries, List<List<int>> exact, int top, int[] probeCounts, int? listCount)
    {
        int trainingSize = IvfIndex.TrainingSize(n, VectorIndexOptions.Default.ApproximateFrom);
        if (trainingSize == 0) trainingSize = n;
        int lists = listCount ?? IvfIndex.ListsFor(trainingSize);
        var members = new List<int>[lists + 1];
        for (int l = 0; l <= lists; l++) members[l] = [];
        float[] centroids;
        if (variant == "current")
        {
            var ivf = IvfIndex.Train(codes, scales, Dims, trainingSize, lists);
            var ids = new int[n];
            ivf.AssignRange(codes, scales, 0, n, ids);
            for (int r = 0; r < n; r++) members[ids[r]].Add(r);
            centroids = ivf.Centroids.ToArray();
        }
        else
        {
            bool centered = variant.StartsWith("centered", StringComparison.Ordinal);
            bool spill = variant.EndsWith("+spill", StringComparison.Ordinal);
            var mean = new float[Dims];
            var row = new float[Dims];
            if (centered)
            {
                for (int r = 0; r < trainingSize; r++)
                {
                    Int8VectorCodec.Decode(codes.AsSpan(r * Dims, Dims), scales[r], row);
                    TensorPrimitives.Add(mean, row, mean);
                }
                TensorPrimitives.Divide(mean, trainingSize, mean);
            }
            var offsets = new float[(long)n * Dims];
            for (int r = 0; r < n; r++)
            {
                var d = offsets.AsSpan(r * Dims, Dims);
                Int8VectorCodec.Decode(codes.AsSpan(r * Dims, Dims), scales[r], d);
                TensorPrimitives.Subtract(d, mean, d);
                TensorPrimitives.Divide(d, TensorPrimitives.Norm(d), d);
            }
            int samples = Math.Min(trainingSize, lists * 64);
            var points = new float[(long)samples * Dims];
            for (int i = 0; i < samples; i++) offsets.AsSpan((int)((long)i * trainingSize / samples) * Dims, Dims).CopyTo(points.AsSpan(i * Dims, Dims));
            centroids = SphericalKMeans.Train(points, samples, Dims, lists, 10);
            for (int r = 0; r < n; r++)
            {
                var order = new (int List, float Score)[lists];
                for (int l = 0; l < lists; l++) order[l] = (l, TensorPrimitives.Dot(offsets.AsSpan(r * Dims, Dims), centroids.AsSpan(l * Dims, Dims)));
                Array.Sort(order, (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.List.CompareTo(b.List));
                members[order[0].List].Add(r);
                if (spill && order[1].Score > 0.9f * order[0].Score) members[order[1].List].Add(r);
            }
        }
        foreach (int probes in probeCounts.Where(p => p <= lists))
        {
            double at10 = 0, atTop = 0, read = 0;
            for (int qi = 0; qi < queries.Count; qi++)
            {
                var q = queries[qi].Vector;
                var chosen = Enumerable.Range(0, lists).OrderByDescending(l => TensorPrimitives.Dot(q, centroids.AsSpan(l * Dims, Dims))).ThenBy(l => l).Take(probes).Append(lists);
                var rows = chosen.SelectMany(l => members[l]).Distinct().ToList();
                read += rows.Count;
                var got = Best(codes, scales, Dims, queries[qi].Code, queries[qi].Scale, rows, top).ToHashSet();
                at10 += exact[qi].Take(10).Count(got.Contains) / 10.0;
                atTop += exact[qi].Count(got.Contains) / (double)exact[qi].Count;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"partitions {variant}, {lists} lists, {probes} probed: rows read {read / queries.Count / n:P1}, recall@10 {at10 / queries.Count:0.000}, @{top} {atTop / queries.Count:0.000}"));
        }
    }

    /// <summary>Every row scored on its projection of <paramref name="rank"/> directions, the best window x top rescored by the full codes.</summary>
    private static void Ranks(int rank, sbyte[] codes, float[] scales, int n, List<(sbyte[] Code, float Scale, float[] Vector)> queries, List<List<int>> exact, int top)
    {
        var timer = Stopwatch.StartNew();
        var projection = PrincipalProjection.Train(codes, scales, Dims, n, rank);
        var projected = new sbyte[(long)n * rank];
        var projectedScales = new float[n];
        projection.ProjectRange(codes, scales, 0, n, projected, projectedScales);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank}: directions and {n:N0} projections in {timer.Elapsed.TotalSeconds:0.0} s"));
        foreach (int window in new[] { 1, 2, 4, 8, 16 })
        {
            double at10 = 0, atTop = 0;
            for (int qi = 0; qi < queries.Count; qi++)
            {
                var pq = new sbyte[rank];
                float pqScale = projection.ProjectQuery(queries[qi].Vector, pq);
                var first = Best(projected, projectedScales, rank, pq, pqScale, Enumerable.Range(0, n), top * window);
                var got = Best(codes, scales, Dims, queries[qi].Code, queries[qi].Scale, first, top).ToHashSet();
                at10 += exact[qi].Take(10).Count(got.Contains) / 10.0;
                atTop += exact[qi].Count(got.Contains) / (double)exact[qi].Count;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  best {window} x top rescored: recall@10 {at10 / queries.Count:0.000}, @{top} {atTop / queries.Count:0.000}"));
        }
    }

    /// <summary>The store's own search on the file (read-only, with its saved projection, written first if missing) against its exact scan: p50 per rescoring factor and top.</summary>
    private static void Timing(string file, string modelId, List<(sbyte[] Code, float Scale, float[] Vector)> queries)
    {
        // A reader does not compute a missing projection: a writable open does, and saves it beside the file (as infctx index would).
        if (!File.Exists(Path.ChangeExtension(file, ".proj")))
            using (VectorStore.Open(file, modelId, Dims, readOnly: false, new VectorIndexOptions { ApproximateFrom = 0 })) { }
        foreach (int factor in new[] { 1, 2, 4, 8 })
        {
            using var store = VectorStore.Open(file, modelId, Dims, readOnly: true, new VectorIndexOptions { ApproximateFrom = 0, RescoreFactor = factor });
            if (store.Projection is null)
            {
                Console.WriteLine($"{store.Count:N0} vectors: below ProjectFrom, nothing projected");
                return;
            }
            foreach (int top in new[] { 10, 100, 800 })
            {
                var projected = new List<double>();
                var exact = new List<double>();
                for (int round = 0; round < 3; round++)
                {
                    foreach (var q in queries)
                    {
                        long start = Stopwatch.GetTimestamp();
                        store.Search(q.Vector, null, top);
                        projected.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        start = Stopwatch.GetTimestamp();
                        store.SearchExact(q.Vector, null, top);
                        exact.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
                projected.Sort();
                exact.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"factor {factor}, top {top}: projected scan p50 {projected[projected.Count / 2]:0.000} ms, exact scan {exact[exact.Count / 2]:0.000} ms"));
            }
        }
    }

    private static List<int> Best(sbyte[] codes, float[] scales, int dims, sbyte[] q, float qScale, IEnumerable<int> rows, int top) =>
        rows.Select(r => (Row: r, Score: Int8VectorCodec.Dot(q, codes.AsSpan(r * dims, dims)) * qScale * scales[r]))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Row).Take(top).Select(x => x.Row).ToList();
}
