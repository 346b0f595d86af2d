using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InfiniteContext.Embeddings;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Scale;

/// <summary>
/// The scale benchmark of docs/BENCHMARKS.md: one corpus size per run (so memory readings are not mixed),
/// ours and SQLite FTS5 side by side on the same entries, in the same process, on the same disk.
/// Usage: --size 1M|10M|100M [--work DIR] [--queries N] [--out results.jsonl] [--no-fts5] [--model arctic-xs|minilm] [--warm-up 1M]
/// With --warm-up, each side first ingests a corpus of that size drawn with another seed (same vocabulary, other
/// entries) into a throwaway store or database, so the timed ingests measure a warm process (JIT done, the tokenizer's
/// tables loaded, its shared chunk cache holding that sample's chunks), as a long-running host ingests; without it the
/// timed ingest is the process's first, as an `infctx ingest` is.
/// With --model, every entry also gets a vector from the embedded model (timed: the indexer's throughput), and
/// a second query run goes through all channels (lexical, dense with the query embedded by the model, and the
/// temporal channel for the half of the queries that name a time).
/// </summary>
public static class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> Main(string[] args)
    {
        if (Arg(args, "--profile") is { } profileCorpus) { await Profile.RunAsync(profileCorpus, Path.GetFullPath(Arg(args, "--work") ?? Path.Combine("artifacts", "scale"))); return 0; }
        string sizeText = Arg(args, "--size") ?? "1M";
        long target = ParseSize(sizeText);
        string work = Path.GetFullPath(Arg(args, "--work") ?? Path.Combine("artifacts", "scale"));
        int queryCount = int.Parse(Arg(args, "--queries") ?? "500", Inv);
        string? output = Arg(args, "--out");
        bool fts5 = !args.Contains("--no-fts5");
        EmbeddedModel? model = Arg(args, "--model") switch
        {
            null => null,
            "arctic-xs" => EmbeddedModel.ArcticXs,
            "minilm" => EmbeddedModel.MiniLM,
            var other => throw new ArgumentException($"--model {other}: arctic-xs or minilm"),
        };
        const int streams = 100;
        Directory.CreateDirectory(work);
        string? warmUpText = Arg(args, "--warm-up");
        string? warmUp = null;
        if (warmUpText is not null)
        {
            warmUp = Path.Combine(work, $"warmup-{warmUpText}.jsonl");
            if (!File.Exists(warmUp))
            {
                CorpusGenerator.WriteJsonl(warmUp + ".tmp", ParseSize(warmUpText), streams, seed: 3);
                File.Move(warmUp + ".tmp", warmUp);
            }
        }

        string corpus = Path.Combine(work, $"corpus-{sizeText}.jsonl");
        if (!File.Exists(corpus))
        {
            var gen = Stopwatch.StartNew();
            var (n, t) = CorpusGenerator.WriteJsonl(corpus + ".tmp", target, streams, seed: 1);
            File.Move(corpus + ".tmp", corpus);
            Console.Error.WriteLine(string.Create(Inv, $"generated {n:N0} entries, {t:N0} tokens in {gen.Elapsed.TotalSeconds:0.0}s"));
        }
        var queries = CorpusGenerator.Queries(queryCount, streams, seed: 2);

        // Ours: durable ingest through the engine's own pipeline.
        string ours = Path.Combine(work, $"ours-{sizeText}");
        if (Directory.Exists(ours)) Directory.Delete(ours, true);
        IngestResult ingest;
        if (warmUp is not null)
        {
            string scratch = Path.Combine(work, "warmup-ours");
            if (Directory.Exists(scratch)) Directory.Delete(scratch, true);
            await using (var store = await MemoryStore.OpenAsync(scratch))
                await store.IngestAsync(new IngestSources(store.TokenCounter).ReadAsync(warmUp, IngestFormat.Jsonl, new IngestReaderOptions()));
            Directory.Delete(scratch, true);
        }
        var oursCpu = CpuSeconds();
        await using (var store = await MemoryStore.OpenAsync(ours))
        {
            var sources = new IngestSources(store.TokenCounter);
            ingest = await store.IngestAsync(sources.ReadAsync(corpus, IngestFormat.Jsonl, new IngestReaderOptions()));
        }
        oursCpu = CpuSeconds() - oursCpu; // includes opening and closing the store, a few ms
        long tokens = ingest.Tokens;
        double oursIngestTps = tokens / ingest.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(Inv, $"ours: {ingest.Added:N0} entries, {tokens:N0} tokens in {ingest.Elapsed.TotalSeconds:0.00}s = {oursIngestTps:N0} tokens/s ({oursCpu:0.00} CPU s)"));

        // Open (read-only, as `infctx search` opens), resident memory, queries.
        Collect();
        long rssBefore = Rss();
        long heapBefore = GC.GetTotalMemory(true);
        var openClock = Stopwatch.StartNew();
        var reader = await MemoryStore.OpenAsync(ours, new MemoryStoreOptions { ReadOnly = true });
        double openMs = openClock.Elapsed.TotalMilliseconds;
        var oursLatencies = await TimeQueries(queries, async (q, s) => (await reader.SearchAsync(q, s is null ? SearchFilter.All : SearchFilter.ForStream(s), 10)).Count);
        Collect();
        long rssDelta = Rss() - rssBefore;
        long heapDelta = GC.GetTotalMemory(true) - heapBefore;
        await reader.DisposeAsync();

        object? fused = null;
        if (model is { } m)
        {
            using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = m });
            double vectorsPerSecond;
            await using (var writer = await MemoryStore.OpenAsync(ours, new MemoryStoreOptions { Embeddings = generator, BackgroundVectorIndexing = false }))
            {
                var indexClock = Stopwatch.StartNew();
                long last = 0;
                long vectors = await writer.IndexVectorsAsync(new Progress<long>(n =>
                {
                    if (n - last >= 5_000) { last = n; Console.Error.WriteLine(string.Create(Inv, $"vectors: {n:N0} ({n / indexClock.Elapsed.TotalSeconds:N0}/s)")); }
                }));
                vectorsPerSecond = vectors / indexClock.Elapsed.TotalSeconds;
                Console.Error.WriteLine(string.Create(Inv, $"vectors: {vectors:N0} in {indexClock.Elapsed.TotalSeconds:0.0}s = {vectorsPerSecond:N0}/s"));
            }
            await using var hybrid = await MemoryStore.OpenAsync(ours, new MemoryStoreOptions
            {
                ReadOnly = true,
                Embeddings = generator,
                Retrieval = new Retrieval.RetrievalOptions { Mode = Retrieval.RetrievalMode.Fused },
            });
            var timed = CorpusGenerator.WithTimePhrases(queries);
            var fusedLatencies = await TimeQueries(timed, async (q, s) => (await hybrid.SearchAsync(q, s is null ? SearchFilter.All : SearchFilter.ForStream(s), 10)).Count);
            fused = new
            {
                model = EmbeddedSentenceGenerator.ModelId(m),
                vectorsPerSecond = Math.Round(vectorsPerSecond, 1),
                queryP50Ms = Percentile(fusedLatencies, 0.50),
                queryP99Ms = Percentile(fusedLatencies, 0.99),
                queryMeanMs = Math.Round(fusedLatencies.Average(), 3),
            };
            Console.Error.WriteLine(string.Create(Inv, $"all channels: p50 {Percentile(fusedLatencies, 0.50)} ms, p99 {Percentile(fusedLatencies, 0.99)} ms"));
        }
        long oursBytes = DirectoryBytes(ours);

        double ftsIngestTps = double.NaN, ftsCpu = double.NaN;
        long ftsBytes = 0;
        List<double> ftsLatencies = [];
        double plainIngestTps = double.NaN;
        if (fts5)
        {
            string ftsPath = Path.Combine(work, $"fts5-{sizeText}.db");
            DeleteDatabase(ftsPath);
            if (warmUp is not null) await WarmUpReferenceAsync(warmUp, Path.Combine(work, "warmup-fts5.db"), p => new Fts5Reference(p), r => r.Append);
            using (var fts = new Fts5Reference(ftsPath))
            {
                ftsCpu = CpuSeconds();
                ftsIngestTps = await TimeReferenceIngestAsync("fts5", corpus, tokens, fts.Append);
                ftsCpu = CpuSeconds() - ftsCpu;
                ftsLatencies = await TimeQueries(queries, (q, s) => Task.FromResult(fts.Search(q, s, 10)));
            }
            ftsBytes = Directory.EnumerateFiles(work, $"fts5-{sizeText}.db*").Sum(f => new FileInfo(f).Length);

            string plainPath = Path.Combine(work, $"plain-{sizeText}.db");
            DeleteDatabase(plainPath);
            if (warmUp is not null) await WarmUpReferenceAsync(warmUp, Path.Combine(work, "warmup-plain.db"), p => new PlainTableReference(p), r => r.Append);
            using (var plain = new PlainTableReference(plainPath))
                plainIngestTps = await TimeReferenceIngestAsync("plain table", corpus, tokens, plain.Append);
        }

        var result = new
        {
            size = sizeText,
            date = DateTime.UtcNow.ToString("yyyy-MM-dd", Inv),
            machine = Machine(),
            entries = ingest.Added,
            tokens,
            warmUp = warmUpText,
            ours = new
            {
                ingestTokensPerSecond = Math.Round(oursIngestTps),
                ingestCpuSeconds = Math.Round(oursCpu, 2),
                queryP50Ms = Percentile(oursLatencies, 0.50),
                queryP99Ms = Percentile(oursLatencies, 0.99),
                queryMeanMs = Math.Round(oursLatencies.Average(), 3),
                bytesOnDisk = oursBytes,
                bytesOnDiskPerToken = Math.Round((double)oursBytes / tokens, 2),
                residentBytesPerToken = Math.Round((double)rssDelta / tokens, 2),
                managedHeapBytesPerToken = Math.Round((double)heapDelta / tokens, 2),
                openMs = Math.Round(openMs, 1),
                allChannels = fused,
            },
            fts5 = fts5 ? new
            {
                ingestTokensPerSecond = Math.Round(ftsIngestTps),
                ingestCpuSeconds = Math.Round(ftsCpu, 2),
                queryP50Ms = Percentile(ftsLatencies, 0.50),
                queryP99Ms = Percentile(ftsLatencies, 0.99),
                queryMeanMs = Math.Round(ftsLatencies.Average(), 3),
                bytesOnDisk = ftsBytes,
                bytesOnDiskPerToken = Math.Round((double)ftsBytes / tokens, 2),
            } : null,
            plainTable = fts5 ? new { ingestTokensPerSecond = Math.Round(plainIngestTps) } : null,
        };
        string json = JsonSerializer.Serialize(result);
        Console.WriteLine(json);
        if (output is not null) await File.AppendAllTextAsync(output, json + Environment.NewLine);
        return 0;
    }

    /// <summary>Reads the corpus and appends it to a reference in commits of 2,048 entries, as ours commits; returns tokens per second.</summary>
    private static async Task<double> TimeReferenceIngestAsync(string name, string corpus, long tokens, Action<IReadOnlyList<NewEntry>> append)
    {
        double cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        await ReferenceIngestAsync(corpus, append);
        double tps = tokens / clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(Inv, $"{name}: {clock.Elapsed.TotalSeconds:0.00}s = {tps:N0} tokens/s ({CpuSeconds() - cpu:0.00} CPU s)"));
        return tps;
    }

    /// <summary>Ingests the warm-up sample into a throwaway reference database at <paramref name="path"/>, then deletes it.</summary>
    private static async Task WarmUpReferenceAsync<T>(string corpus, string path, Func<string, T> open, Func<T, Action<IReadOnlyList<NewEntry>>> append) where T : IDisposable
    {
        DeleteDatabase(path);
        using (var reference = open(path)) await ReferenceIngestAsync(corpus, append(reference));
        DeleteDatabase(path);
    }

    /// <summary>A SQLite database and its -wal and -shm files.</summary>
    private static void DeleteDatabase(string path)
    {
        foreach (var f in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*")) File.Delete(f);
    }

    private static async Task ReferenceIngestAsync(string corpus, Action<IReadOnlyList<NewEntry>> append)
    {
        var sources = new IngestSources(TiktokenCounter.Get("o200k_base"));
        var batch = new List<NewEntry>(2048);
        await foreach (var item in sources.ReadAsync(corpus, IngestFormat.Jsonl, new IngestReaderOptions()))
        {
            batch.Add(item.Entry!);
            if (batch.Count == 2048) { append(batch); batch.Clear(); }
        }
        if (batch.Count > 0) append(batch);
    }

    private static async Task<List<double>> TimeQueries(List<(string Query, string? Stream)> queries, Func<string, string?, Task<int>> run)
    {
        foreach (var (q, s) in queries.Take(50)) await run(q, s); // warm-up: JIT, page cache
        var latencies = new List<double>(queries.Count);
        foreach (var (q, s) in queries)
        {
            long start = Stopwatch.GetTimestamp();
            await run(q, s);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 3);
    }

    /// <summary>CPU seconds the process has used on all its threads (the machine is shared: wall time alone mixes in other load).</summary>
    private static double CpuSeconds()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, true, true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, true, true);
    }

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    private static long DirectoryBytes(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static string Machine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        return string.Create(Inv, $"{Environment.ProcessorCount} cores, {cpu}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static long ParseSize(string s) => s.ToUpperInvariant() switch
    {
        var x when x.EndsWith('M') => long.Parse(x[..^1], Inv) * 1_000_000,
        var x when x.EndsWith('K') => long.Parse(x[..^1], Inv) * 1_000,
        var x => long.Parse(x, Inv),
    };
}
