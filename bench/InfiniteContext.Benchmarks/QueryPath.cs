using System.Diagnostics;
using System.Globalization;
using InfiniteContext.Embeddings;
using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;
using InfiniteContext.Retrieval;
using InfiniteContext.Vectors;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// <c>query-path --store DIR (--data locomo.json | --niah-tokens N [--needles N]) [--rounds N]</c>: the time a query
/// spends in retrieval apart from embedding it. Opens a store an <c>infctx eval locomo --store DIR</c>
/// (or <c>eval niah --store ROOT</c>: pass ROOT/niah-10M) built with the default model, asks every question of
/// the file (or of the haystack's plan) through <see cref="MemoryStore.SearchAsync(string, SearchFilter?, int, RetrievalMode?, CancellationToken)"/>
/// (its own conversation, top 25, as the evaluation does) once to embed the questions, then <c>--rounds</c> more times
/// with the query vectors memoized, under several configurations side by side in one process, and prints the median
/// and p90 wall time and the process CPU time per query of each. The model's share is measured apart ("Query
/// embedding", <see cref="QueryEmbeddingBenchmarks"/>), and so is the whole query with it. It also prints the
/// entry vectors' IVF recall against their exact scan (<c>--approximate-from N</c> to measure the index below its
/// default threshold).
/// </summary>
internal static class QueryPath
{
    private static readonly EmbeddingGenerationOptions QueryInput = new() { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };

    public static async Task RunAsync(string[] args)
    {
        string? store = null, data = null;
        long niahTokens = 0;
        int rounds = 3, needles = 5, approximateFrom = VectorIndexOptions.Default.ApproximateFrom;
        double[]? probeFactors = null; // null: the defaults (entry vectors and part rows each their own)
        int[] rescoreLimits = [];
        for (int i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--store": store = args[++i]; break;
                case "--data": data = args[++i]; break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--niah-tokens": niahTokens = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--needles": needles = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--approximate-from": approximateFrom = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--probe-factors": probeFactors = args[++i].Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--rescore-limits": rescoreLimits = args[++i].Split(',').Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToArray(); break;
            }
        }
        if (store is null || (data is null) == (niahTokens == 0))
        {
            Console.Error.WriteLine("usage: query-path --store DIR (--data locomo.json | --niah-tokens N [--needles N]) [--rounds N] [--approximate-from N] [--probe-factors F,F] [--rescore-limits L,L]");
            Environment.Exit(2);
        }
        // LoCoMo: each question of its own conversation, top 25, as eval locomo asks. A kept needle haystack (eval niah
        // --store, default seed and needle options): the plan's questions of the haystack stream, top 10, as eval niah asks.
        var questions = data is not null
            ? (await LocomoDataset.LoadAsync(data)).SelectMany(s => s.Questions.Select(q => (q.Question, Stream: s.SampleId))).ToList()
            : NiahPlan.Create(niahTokens, new NiahOptions { NeedlesPerCell = needles }).Probes.Select(p => (p.Question, Stream: HaystackStream.StreamName)).ToList();
        int top = data is not null ? 25 : 10;
        using var model = new EmbeddedSentenceGenerator();
        var memo = new MemoizedQueries(model);
        var index = VectorIndexOptions.Default;
        List<(string Name, RetrievalOptions Options, RetrievalMode Mode, VectorIndexOptions Index)> configurations =
        [
            // Not printed: whichever configuration ran first measured 15-20% slower, with about 1.5x the CPU time, in
            // two runs that swapped the first two (cause not pinned down), so a throwaway pass of the default runs first.
            ("warm-up", new RetrievalOptions(), RetrievalMode.Fused, index),
            ("fused, expansion (default)", new RetrievalOptions(), RetrievalMode.Fused, index),
            ("fused, no expansion", new RetrievalOptions { Expansion = false }, RetrievalMode.Fused, index),
            ("fused, no sentence views", new RetrievalOptions { SentenceViews = false }, RetrievalMode.Fused, index),
            ("dense, expansion", new RetrievalOptions(), RetrievalMode.Dense, index),
            ("dense, no sentence views", new RetrievalOptions { SentenceViews = false }, RetrievalMode.Dense, index),
            ("lexical, expansion", new RetrievalOptions(), RetrievalMode.Lexical, index),
            ("lexical, no expansion", new RetrievalOptions { Expansion = false }, RetrievalMode.Lexical, index),
        ];
        // What a part search reads on the approximate path: the probed lists plus the stray list every query scans.
        string vectorPath = Path.Combine(store, "index", "vectors", VectorStore.FileStem(model.Metadata.DefaultModelId!) + ".vec");
        using (var parts = PartVectors.Open(vectorPath, model.Metadata.DefaultModelId!, model.Dimensions, readOnly: true))
        {
            if (parts.ApproximateIndex is { } ivf)
                Console.WriteLine($"part rows {parts.Count:N0}: IVF of {ivf.ListCount} lists, {ivf.Members(ivf.StrayList).Count:N0} rows in the stray list");
            else
                Console.WriteLine($"part rows {parts.Count:N0}: exact scan (no IVF index)");
        }
        string partsPath = Path.ChangeExtension(vectorPath, ".parts.vec");
        var factors = probeFactors?.Select(f => (Entries: f, Parts: f)).ToArray()
            ?? [(VectorIndexOptions.Default.ProbeFactor, VectorIndexOptions.Default.PartProbeFactor)];
        foreach (var (entryFactor, partFactor) in factors)
        {
            var indexOptions = new VectorIndexOptions { ApproximateFrom = approximateFrom, ProbeFactor = entryFactor };
            await IndexRecallAsync("entry vectors", vectorPath, 100, model, memo, questions.Select(q => q.Question).ToList(), rounds, indexOptions);
            // The part rows as PartVectors asks them: the best 100 x MaxRowsPerEntry rows, by their own probe factor.
            if (File.Exists(partsPath))
                await IndexRecallAsync("part rows", partsPath, 100 * PartVectors.MaxRowsPerEntry, model, memo, questions.Select(q => q.Question).ToList(), rounds, indexOptions with { ProbeFactor = partFactor });
            foreach (int limit in File.Exists(partsPath) ? rescoreLimits : [])
                await IndexRecallAsync($"part rows, rescore limit {limit:N0}", partsPath, 100 * PartVectors.MaxRowsPerEntry, model, memo, questions.Select(q => q.Question).ToList(), rounds,
                    indexOptions with { ProbeFactor = partFactor, RescoreLimit = limit });
        }
        // The dense channel as a caller gets it, by default, with the IVF threshold asked for, and with each rescoring limit asked for there.
        var compared = new List<(string Label, VectorIndexOptions Index)> { ("default", index) };
        if (approximateFrom != index.ApproximateFrom) compared.Add(($"IVF from {approximateFrom:N0}", index with { ApproximateFrom = approximateFrom }));
        compared.AddRange(rescoreLimits.Select(l => ($"IVF from {approximateFrom:N0}, rescore limit {l:N0}", index with { ApproximateFrom = approximateFrom, RescoreLimit = l })));
        foreach (var (label, options) in compared) await DenseChannelRecallAsync(store, memo, questions, label, options);
        Console.WriteLine($"{questions.Count} questions x {rounds} rounds per configuration; query vectors memoized after the first pass");
        Console.WriteLine("| configuration | p50 ms | p90 ms | CPU ms per query |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        // Each probe factor asked for (entry vectors and part rows alike): the default configuration again with it, next to the default's row.
        configurations.InsertRange(2, (probeFactors ?? [])
            .Select(f => (string.Create(CultureInfo.InvariantCulture, $"fused, expansion, probe factor {f}"), new RetrievalOptions(), RetrievalMode.Fused,
                index with { ProbeFactor = f, PartProbeFactor = f })));
        // The default again without the projected scan, and with the IVF threshold asked for.
        configurations.Insert(2, ("fused, expansion, no projected scan", new RetrievalOptions(), RetrievalMode.Fused, index with { ProjectFrom = 0 }));
        if (approximateFrom != index.ApproximateFrom)
            configurations.Insert(2, ($"fused, expansion, IVF from {approximateFrom:N0}", new RetrievalOptions(), RetrievalMode.Fused, index with { ApproximateFrom = approximateFrom }));
        configurations.InsertRange(2, rescoreLimits.Select(l => ($"fused, expansion, IVF from {approximateFrom:N0}, rescore limit {l:N0}", new RetrievalOptions(), RetrievalMode.Fused,
            index with { ApproximateFrom = approximateFrom, RescoreLimit = l })));
        foreach (var (name, options, mode, vectorIndex) in configurations)
        {
            // Read-only: a configuration's lower threshold trains its index in memory instead of writing it into the store measured.
            await using var memory = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = memo, BackgroundVectorIndexing = false, ReadOnly = true, Retrieval = options, VectorIndex = vectorIndex });
            foreach (var (q, stream) in questions) await memory.SearchAsync(q, SearchFilter.ForStream(stream), top, mode); // embeds, warms
            var times = new List<double>(questions.Count * rounds);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int r = 0; r < rounds; r++)
            {
                foreach (var (q, stream) in questions)
                {
                    long start = Stopwatch.GetTimestamp();
                    await memory.SearchAsync(q, SearchFilter.ForStream(stream), top, mode);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / times.Count;
            times.Sort();
            if (name == "warm-up") continue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {times[times.Count / 2]:0.000} | {times[times.Count * 9 / 10]:0.000} | {cpuMs:0.000} |"));
        }
        // The whole query with the model computing its vector each time: as retrieval runs it (the embedding started
        // first, the lexical and temporal channels run meanwhile) and with the embedding waited for before anything
        // else (what the path did before), alternating per question so both see the same machine.
        await using (var live = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = model, BackgroundVectorIndexing = false, ReadOnly = true }))
        await using (var waited = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = new WaitedFor(model), BackgroundVectorIndexing = false, ReadOnly = true }))
        {
            var overlapped = new List<double>();
            var sequential = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                foreach (var (q, stream) in questions)
                {
                    foreach (var (memory, times) in r % 2 == 0 ? [(live, overlapped), (waited, sequential)] : new[] { (waited, sequential), (live, overlapped) })
                    {
                        long start = Stopwatch.GetTimestamp();
                        await memory.SearchAsync(q, SearchFilter.ForStream(stream), top);
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }
            overlapped.Sort();
            sequential.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"default search with the model live: p50 {overlapped[overlapped.Count / 2]:0.000} ms (p90 {overlapped[overlapped.Count * 9 / 10]:0.000}) overlapped with the lexical channel, " +
                $"{sequential[sequential.Count / 2]:0.000} ms (p90 {sequential[sequential.Count * 9 / 10]:0.000}) with the embedding waited for first"));
        }
        // The model's own share for these questions, one call each as a search makes it.
        var model1 = Stopwatch.StartNew();
        foreach (var (q, _) in questions) await model.GenerateAsync([q], QueryInput);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"query embedding alone: mean {model1.Elapsed.TotalMilliseconds / questions.Count:0.000} ms over {questions.Count} questions"));
    }

    /// <summary>
    /// A vector file's search with the IVF index of <paramref name="options"/> (<c>--approximate-from</c>: lower it to
    /// measure the index on a store below the default threshold; <c>--probe-factors</c>: one line per factor) against the
    /// exact scan of every code: the best <paramref name="top"/> for each question (the dense channel asks 100 entries,
    /// and 800 part rows), recall at 10 and at <paramref name="top"/>, and each one's p50. Read-only: an index the file
    /// does not have is trained in memory.
    /// </summary>
    private static async Task IndexRecallAsync(string label, string vectorPath, int top, EmbeddedSentenceGenerator model, MemoizedQueries memo, List<string> questions, int rounds, VectorIndexOptions options)
    {
        using var entries = VectorStore.Open(vectorPath, model.Metadata.DefaultModelId!, model.Dimensions, readOnly: true, options);
        // The store's own rule for which search answers (the one infctx stats reports).
        string method = entries.SearchMethod;
        bool ivfUsed = method.StartsWith("IVF", StringComparison.Ordinal);
        if (method == "exact scan")
        {
            Console.WriteLine($"{label} {entries.Count:N0}: exact scan (below --approximate-from, {options.ApproximateFrom:N0}, and ProjectFrom, {options.ProjectFrom:N0})");
            return;
        }
        var vectors = new List<float[]>();
        foreach (string q in questions) vectors.Add((await memo.GenerateAsync([q], QueryInput))[0].Vector.ToArray());
        double at10 = 0, at100 = 0, spread = 0, shortfall = 0;
        var approximate = new List<double>();
        var exact = new List<double>();
        for (int r = 0; r <= rounds; r++)
        {
            foreach (var v in vectors)
            {
                long start = Stopwatch.GetTimestamp();
                var fast = entries.Search(v, null, top);
                double fastMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                var all = entries.SearchExact(v, null, top);
                double exactMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (r == 0)
                {
                    // The first round warms up and counts recall.
                    var got = fast.Select(d => d.Seq).ToHashSet();
                    at10 += all.Take(10).Count(d => got.Contains(d.Seq)) / (double)Math.Min(10, all.Count);
                    at100 += all.Count(d => got.Contains(d.Seq)) / (double)all.Count;
                    // How close the misses are: the exact 1st against 10th score, and the exact 10th against the approximate 10th.
                    int tenth = Math.Min(10, all.Count) - 1;
                    spread += all[0].Score - all[tenth].Score;
                    shortfall += all[tenth].Score - fast[Math.Min(tenth, fast.Count - 1)].Score;
                    continue;
                }
                approximate.Add(fastMs);
                exact.Add(exactMs);
            }
        }
        approximate.Sort();
        exact.Sort();
        string how = ivfUsed
            ? $"IVF of {entries.ApproximateIndex!.ListCount} lists ({entries.ApproximateIndex.Members(entries.ApproximateIndex.StrayList).Count:N0} strays), probe factor {options.ProbeFactor}: {entries.PlannedProbes(null, null)} probed"
            : $"projected scan ({entries.Projection!.Rank} of {entries.Dimensions} directions, best {options.RescoreFactor} x top rescored)";
        how += $", {entries.ExactlyScoredSeqs().Count:N0} rows the projection keeps little of scored exactly";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label} {entries.Count:N0}: {how}; top {top} p50 {approximate[approximate.Count / 2]:0.000} ms " +
            $"against the exact scan's {exact[exact.Count / 2]:0.000}; recall against exact @10 {at10 / vectors.Count:0.0000}, @{top} {at100 / vectors.Count:0.0000}; " +
            $"mean cosine exact 1st - 10th {spread / vectors.Count:0.0000}, exact 10th - approximate 10th {shortfall / vectors.Count:0.0000}"));
    }

    /// <summary>
    /// What a caller gets: the dense channel (entry vectors and sentence views, 100 candidates) with the vector index
    /// options <paramref name="options"/> against the same channel with every search exact, recall at 10 and 100.
    /// </summary>
    private static async Task DenseChannelRecallAsync(string store, MemoizedQueries memo, List<(string Question, string Stream)> questions, string label, VectorIndexOptions options)
    {
        await using var indexed = await MemoryStore.OpenAsync(store, new MemoryStoreOptions
        {
            Embeddings = memo, BackgroundVectorIndexing = false, ReadOnly = true, VectorIndex = options,
        });
        await using var exact = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = memo, BackgroundVectorIndexing = false, ReadOnly = true, VectorIndex = VectorIndexOptions.ExactOnly });
        double at10 = 0, at100 = 0;
        foreach (var (q, stream) in questions)
        {
            var got = (await indexed.RankChannelsAsync(q, SearchFilter.ForStream(stream), 100, RetrievalMode.Dense)).Single(c => c.Name == "dense").Hits;
            var want = (await exact.RankChannelsAsync(q, SearchFilter.ForStream(stream), 100, RetrievalMode.Dense)).Single(c => c.Name == "dense").Hits;
            var seqs = got.Select(d => d.Seq).ToHashSet();
            at10 += want.Take(10).Count(d => seqs.Contains(d.Seq)) / (double)Math.Min(10, want.Count);
            at100 += want.Count(d => seqs.Contains(d.Seq)) / (double)want.Count;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dense channel ({label}) against every search exact: recall @10 {at10 / questions.Count:0.0000}, @100 {at100 / questions.Count:0.0000}"));
    }

    /// <summary>Returns only once the embedding is computed: the caller cannot do anything meanwhile.</summary>
    private sealed class WaitedFor(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(inner.GenerateAsync(values, options, cancellationToken).GetAwaiter().GetResult());

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose() { }
    }

    /// <summary>The model once per distinct single text; batches go through.</summary>
    private sealed class MemoizedQueries(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly Dictionary<string, Embedding<float>> _seen = new(StringComparer.Ordinal);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            if (list.Count == 1 && _seen.TryGetValue(list[0], out var known)) return new GeneratedEmbeddings<Embedding<float>>([known]);
            var result = await inner.GenerateAsync(list, options, cancellationToken);
            if (list.Count == 1) _seen[list[0]] = result[0];
            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose() { }
    }
}
