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
/// spends in retrieval apart from embedding it. Opens a store an <c>infctx eval locomo --store DIR --model arctic-xs</c>
/// (or <c>eval niah --store ROOT --model arctic-xs</c>: pass ROOT/niah-10M) built, asks every question of
/// the file (or of the haystack's plan) through <see cref="MemoryStore.SearchAsync(string, SearchFilter?, int, RetrievalMode?, CancellationToken)"/>
/// (its own conversation, top 25, as the evaluation does) once to embed the questions, then <c>--rounds</c> more times
/// with the query vectors memoized, under several configurations side by side in one process, and prints the median
/// and p90 wall time and the process CPU time per query of each. The model's share is measured apart ("Query
/// embedding", <see cref="QueryEmbeddingBenchmarks"/>).
/// </summary>
internal static class QueryPath
{
    public static async Task RunAsync(string[] args)
    {
        string? store = null, data = null;
        long niahTokens = 0;
        int rounds = 3, needles = 5;
        for (int i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--store": store = args[++i]; break;
                case "--data": data = args[++i]; break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--niah-tokens": niahTokens = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--needles": needles = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            }
        }
        if (store is null || (data is null) == (niahTokens == 0))
        {
            Console.Error.WriteLine("usage: query-path --store DIR (--data locomo.json | --niah-tokens N [--needles N]) [--rounds N]");
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
        (string Name, RetrievalOptions Options, RetrievalMode Mode)[] configurations =
        [
            ("fused, expansion (default)", new RetrievalOptions(), RetrievalMode.Fused),
            ("fused, no expansion", new RetrievalOptions { Expansion = false }, RetrievalMode.Fused),
            ("fused, no sentence views", new RetrievalOptions { SentenceViews = false }, RetrievalMode.Fused),
            ("dense, expansion", new RetrievalOptions(), RetrievalMode.Dense),
            ("dense, no sentence views", new RetrievalOptions { SentenceViews = false }, RetrievalMode.Dense),
            ("lexical, expansion", new RetrievalOptions(), RetrievalMode.Lexical),
            ("lexical, no expansion", new RetrievalOptions { Expansion = false }, RetrievalMode.Lexical),
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
        Console.WriteLine($"{questions.Count} questions x {rounds} rounds per configuration; query vectors memoized after the first pass");
        Console.WriteLine("| configuration | p50 ms | p90 ms | CPU ms per query |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, options, mode) in configurations)
        {
            await using var memory = await MemoryStore.OpenAsync(store, new MemoryStoreOptions { Embeddings = memo, BackgroundVectorIndexing = false, Retrieval = options });
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {times[times.Count / 2]:0.000} | {times[times.Count * 9 / 10]:0.000} | {cpuMs:0.000} |"));
        }
        // The model's own share for these questions, one call each as a search makes it.
        var query = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };
        var model1 = Stopwatch.StartNew();
        foreach (var (q, _) in questions) await model.GenerateAsync([q], query);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"query embedding alone: mean {model1.Elapsed.TotalMilliseconds / questions.Count:0.000} ms over {questions.Count} questions"));
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
