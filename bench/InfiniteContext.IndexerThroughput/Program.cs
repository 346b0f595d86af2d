using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InfiniteContext.Embeddings;
using InfiniteContext.Ingest;
using InfiniteContext.Retrieval;

namespace InfiniteContext.IndexerThroughput;

/// <summary>
/// The vector indexer throughput benchmark of docs/BENCHMARKS.md: the embedded model's own batched throughput
/// and the background indexer draining a freshly ingested store of the same texts, side by side in one process,
/// with the same model instance, in alternating rounds (so noise on a shared machine hits both sides alike).
/// Minutes-long work, so a plain harness rather than BenchmarkDotNet.
/// Three sides: the model over the entries' own texts (what the issue's target compares with), the model over exactly
/// the texts the indexer sends it (each batch's entries and their sentence views), and the indexer.
/// Usage: --data locomo-dev.json [--entries 2000] [--rounds 3] [--batch 64] [--model arctic-xs-int8|arctic-xs|minilm] [--no-sentence-views] [--work DIR] [--out results.jsonl]
/// </summary>
public static class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> Main(string[] args)
    {
        string data = Arg(args, "--data") ?? Path.Combine("..", "shared", "data", "locomo", "locomo-dev.json");
        int entries = int.Parse(Arg(args, "--entries") ?? "2000", Inv);
        int rounds = int.Parse(Arg(args, "--rounds") ?? "3", Inv);
        int batch = int.Parse(Arg(args, "--batch") ?? InfiniteContext.Vectors.VectorIndexer.DefaultBatchSize.ToString(Inv), Inv);
        var model = (Arg(args, "--model") ?? "arctic-xs-int8") switch
        {
            "arctic-xs-int8" => EmbeddedModel.ArcticXsInt8,
            "arctic-xs" => EmbeddedModel.ArcticXs,
            "minilm" => EmbeddedModel.MiniLM,
            var other => throw new ArgumentException($"--model: '{other}' is not arctic-xs-int8, arctic-xs or minilm."),
        };
        string work = Path.GetFullPath(Arg(args, "--work") ?? Path.Combine("artifacts", "indexer-throughput"));
        string? output = Arg(args, "--out");
        bool sentenceViews = !args.Contains("--no-sentence-views");
        if (!File.Exists(data)) { Console.Error.WriteLine($"no data file at '{Path.GetFullPath(data)}' (--data)"); return 2; }
        Directory.CreateDirectory(work);

        using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = model });

        // The texts the indexer embeds: RetrievalText of the first N stored entries (speaker-prefixed turns).
        string template = Path.Combine(work, "template");
        await IngestAsync(data, template, entries);
        var texts = new List<string>(entries);
        var indexerBatches = new List<List<string>>();
        long tokens = 0;
        await using (var store = await MemoryStore.OpenAsync(template, new MemoryStoreOptions { ReadOnly = true }))
        {
            var own = new List<string>();
            var parts = new List<string>();
            await foreach (var e in store.Log.ReadAfterAsync(0, CancellationToken.None))
            {
                texts.Add(RetrievalText.For(e));
                tokens += e.Tokens;
                // What VectorIndexer sends per batch: the entries' own texts, then their sentence views.
                own.Add(texts[^1]);
                if (sentenceViews) parts.AddRange(RetrievalText.Parts(e));
                if (own.Count == batch)
                {
                    indexerBatches.Add([.. own, .. parts]);
                    own.Clear();
                    parts.Clear();
                }
            }
            if (own.Count > 0) indexerBatches.Add([.. own, .. parts]);
        }
        int indexerTexts = indexerBatches.Sum(b => b.Count);
        Console.Error.WriteLine(string.Create(Inv, $"{texts.Count:N0} entries ({tokens:N0} o200k tokens) from {Path.GetFileName(data)}; model {EmbeddedSentenceGenerator.ModelId(model)}; batch {batch}; {Environment.ProcessorCount} cores; sentence views {(sentenceViews ? "on" : "off")}: the indexer embeds {indexerTexts:N0} texts ({(double)indexerTexts / texts.Count:0.00} per entry)"));

        // Warm-up: ONNX Runtime's first calls allocate and optimize.
        await generator.GenerateAsync(texts.Take(batch));

        var raw = new List<double>();
        var same = new List<double>();
        var indexer = new List<double>();
        var rawCpu = new List<double>();
        var sameCpu = new List<double>();
        var indexerCpu = new List<double>();
        var rawBatches = Enumerable.Range(0, (texts.Count + batch - 1) / batch).Select(b => texts.GetRange(b * batch, Math.Min(batch, texts.Count - b * batch))).ToList();
        for (int round = 1; round <= rounds; round++)
        {
            // The starting side rotates across rounds: none always runs first.
            for (int step = 0; step < 3; step++)
            {
                int side = (round - 1 + step) % 3;
                if (side == 0)
                {
                    var cpu = Cpu();
                    double s = await RawAsync(generator, rawBatches);
                    rawCpu.Add(Cpu() - cpu);
                    raw.Add(texts.Count / s);
                    Console.Error.WriteLine(string.Create(Inv, $"round {round} raw model, entries' texts: {s:0.00}s = {texts.Count / s:N1} entries/s, {rawCpu[^1]:0.00} CPU-s"));
                }
                else if (side == 1)
                {
                    var cpu = Cpu();
                    double s = await RawAsync(generator, indexerBatches);
                    sameCpu.Add(Cpu() - cpu);
                    same.Add(texts.Count / s);
                    Console.Error.WriteLine(string.Create(Inv, $"round {round} raw model, indexer's texts: {s:0.00}s = {texts.Count / s:N1} entries/s, {sameCpu[^1]:0.00} CPU-s"));
                }
                else
                {
                    string dir = Path.Combine(work, $"round-{round}");
                    if (Directory.Exists(dir)) Directory.Delete(dir, true);
                    CopyDirectory(template, dir);
                    var cpu = Cpu();
                    var (s, added) = await IndexerAsync(generator, dir, sentenceViews);
                    indexerCpu.Add(Cpu() - cpu);
                    if (added != texts.Count) throw new InvalidOperationException($"the indexer added {added} vectors, expected {texts.Count}");
                    indexer.Add(added / s);
                    Console.Error.WriteLine(string.Create(Inv, $"round {round} indexer:   {s:0.00}s = {added / s:N1} entries/s, {indexerCpu[^1]:0.00} CPU-s"));
                    Directory.Delete(dir, true);
                }
            }
        }
        // The indexer's own cost per run, with a model that costs nothing (median of the same number of runs).
        var overhead = new List<double>();
        using var instant = new InstantGenerator("instant", generator.Dimensions);
        for (int round = 1; round <= rounds; round++)
        {
            string dir = Path.Combine(work, $"instant-{round}");
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            CopyDirectory(template, dir);
            var (s, added) = await IndexerAsync(instant, dir, sentenceViews);
            if (added != texts.Count) throw new InvalidOperationException($"the indexer added {added} vectors, expected {texts.Count}");
            overhead.Add(s);
            Directory.Delete(dir, true);
        }
        double overheadMedian = Median(overhead);
        Console.Error.WriteLine(string.Create(Inv, $"indexer with an instant model: {string.Join(", ", overhead.Select(o => o.ToString("0.000", Inv)))} s ({overheadMedian * 1000 / Math.Ceiling(texts.Count / (double)batch):0.0} ms per batch of {batch})"));

        double rawMedian = Median(raw), sameMedian = Median(same), indexerMedian = Median(indexer);
        double tokensPerEntry = (double)tokens / texts.Count;
        Console.Out.WriteLine("| side | median entries/s | median o200k tokens/s | rounds (entries/s) |");
        Console.Out.WriteLine("| --- | ---: | ---: | --- |");
        Console.Out.WriteLine(string.Create(Inv, $"| raw model (GenerateAsync, batches of {batch}) | {rawMedian:N1} | {rawMedian * tokensPerEntry:N0} | {string.Join(", ", raw.Select(r => r.ToString("N1", Inv)))} |"));
        Console.Out.WriteLine(string.Create(Inv, $"| raw model over the indexer's texts ({(double)indexerTexts / texts.Count:0.00} per entry) | {sameMedian:N1} | {sameMedian * tokensPerEntry:N0} | {string.Join(", ", same.Select(r => r.ToString("N1", Inv)))} |"));
        Console.Out.WriteLine(string.Create(Inv, $"| VectorIndexer (IndexVectorsAsync) | {indexerMedian:N1} | {indexerMedian * tokensPerEntry:N0} | {string.Join(", ", indexer.Select(r => r.ToString("N1", Inv)))} |"));
        Console.Out.WriteLine(string.Create(Inv, $"indexer / raw over the entries' texts = {indexerMedian / rawMedian:0.000}; indexer / raw over the indexer's texts = {indexerMedian / sameMedian:0.000} (medians of wall-clock rates); per round: {string.Join(", ", indexer.Zip(raw, (i, r) => (i / r).ToString("0.000", Inv)))} and {string.Join(", ", indexer.Zip(same, (i, r) => (i / r).ToString("0.000", Inv)))}"));
        // CPU time of this process: what other processes on a shared machine do to the wall clock hardly moves it.
        Console.Out.WriteLine(string.Create(Inv, $"CPU-seconds per run, median: raw {Median(rawCpu):0.00}, raw over the indexer's texts {Median(sameCpu):0.00}, indexer {Median(indexerCpu):0.00}; raw / indexer = {Median(rawCpu) / Median(indexerCpu):0.000}, raw over the indexer's texts / indexer = {Median(sameCpu) / Median(indexerCpu):0.000}"));
        // What the ratio would be if the model ran at the raw median and the indexer added only its own (instant-model) time.
        double rawSeconds = texts.Count / rawMedian;
        Console.Out.WriteLine(string.Create(Inv, $"indexer's own work (instant model): median {overheadMedian:0.000} s for {texts.Count:N0} entries = {overheadMedian / rawSeconds:P1} of the raw model's time; bound on the ratio if serial: {rawSeconds / (rawSeconds + overheadMedian):0.000}"));
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, JsonSerializer.Serialize(new
            {
                date = DateTime.UtcNow.ToString("o", Inv), entries = texts.Count, tokens, batch, model = EmbeddedSentenceGenerator.ModelId(model),
                cores = Environment.ProcessorCount, sentenceViews, indexerTexts, rawEntriesPerSecond = raw, rawOverIndexerTextsEntriesPerSecond = same, indexerEntriesPerSecond = indexer, rawOverIndexerTextsCpuSeconds = sameCpu, instantModelIndexerSeconds = overhead, rawCpuSeconds = rawCpu, indexerCpuSeconds = indexerCpu, ratio = indexerMedian / rawMedian,
            }) + "\n");
        }
        Directory.Delete(template, true);
        return 0;
    }

    private static async Task IngestAsync(string data, string dir, int entries)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        await using var store = await MemoryStore.OpenAsync(dir);
        var sources = new IngestSources(store.TokenCounter);
        var items = sources.ReadAsync(data, IngestFormat.Locomo, new IngestReaderOptions()).Where(i => i.Entry is not null).Take(entries);
        await store.IngestAsync(items);
    }

    /// <summary>The model alone, one call per batch, nothing read or written.</summary>
    private static async Task<double> RawAsync(EmbeddedSentenceGenerator generator, List<List<string>> batches)
    {
        var clock = Stopwatch.StartNew();
        foreach (var b in batches)
        {
            var vectors = await generator.GenerateAsync(b);
            if (vectors.Count != b.Count) throw new InvalidOperationException("a vector is missing");
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The indexer draining a store with no vectors: log reads, the model, int8 encoding, fsynced appends.</summary>
    private static async Task<(double Seconds, long Added)> IndexerAsync(Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> generator, string dir, bool sentenceViews)
    {
        await using var store = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions { Embeddings = generator, BackgroundVectorIndexing = false, CreateIfMissing = false, Retrieval = new RetrievalOptions { SentenceViews = sentenceViews } });
        var clock = Stopwatch.StartNew();
        long added = await store.IndexVectorsAsync();
        return (clock.Elapsed.TotalSeconds, added);
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Path.GetFileName(file) != "LOCK") File.Copy(file, target);
        }
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
