using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InfiniteContext.Cli.Output;
using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;
using InfiniteContext.Retrieval;
using InfiniteContext.Text;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx eval</c>: retrieval quality on public benchmarks, measured without an LLM.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var eval = new Command("eval", "Measure retrieval quality and speed on benchmark data.");
        eval.Subcommands.Add(Locomo());
        eval.Subcommands.Add(EvalNiahCommand.Create());
        eval.Subcommands.Add(EvalInterferenceCommand.Create());
        eval.Subcommands.Add(EvalLongMemEvalCommand.Create());
        return eval;
    }

    private static Command Locomo()
    {
        var file = new Argument<FileInfo>("file") { Description = "A file in LoCoMo's locomo10.json layout." };
        var store = new Option<string?>("--store") { Description = "Store to build (default: a fresh temporary directory, removed afterwards)." };
        var json = CommonOptions.Json();
        var model = Models.ModelOption();
        var retrieval = Models.RetrievalOption();
        var endpoint = new EndpointSettings.Options();
        var expansion = new Option<bool>("--no-expansion") { Description = "Rank without temporal-contiguity expansion and session aggregation (for ablations)." };
        var views = new Option<bool>("--no-sentence-views") { Description = "Embed and score entries by their own vector only, without sentence views (for ablations and indexing cost)." };
        var dump = new Option<FileInfo?>("--dump-candidates")
        {
            Description = "Also write, per question, the turns of its conversation each channel alone ranks (BM25 alone, dense alone; no top-k cut), as JSON lines for offline fusion experiments (scripts/tuning).",
        };
        var progress = CommonOptions.Progress();
        var cmd = new Command("locomo", "Turn-level evidence Recall@1/5/10/25 and session Hit@1, overall and per category.") { file, store, json, model, retrieval, expansion, views, progress, dump };
        endpoint.AddTo(cmd);
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var input = result.GetValue(file)!;
            if (!input.Exists) throw new CliUsageException($"'{input.FullName}' does not exist.");
            var samples = await LocomoDataset.LoadAsync(input.FullName, ct);
            string? given = result.GetValue(store);
            string dir = given ?? Path.Combine(Path.GetTempPath(), "infctx-eval-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var settings = endpoint.Read(result);
                var chosen = Models.Choose(result.GetValue(model), settings, given);
                var mode = result.GetValue(retrieval) ?? (chosen is null ? RetrievalMode.Lexical : RetrievalMode.Fused);
                if (mode != RetrievalMode.Lexical && chosen is null) throw new CliUsageException($"--retrieval {mode.ToString().ToLowerInvariant()} needs an embedding model.");
                using var generator = chosen is { } m && mode != RetrievalMode.Lexical ? Models.CreateGenerator(m, settings) : null;
                await using var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions
                {
                    Embeddings = mode == RetrievalMode.Lexical ? null : generator,
                    BackgroundVectorIndexing = false,
                    Retrieval = new RetrievalOptions { Mode = mode, Expansion = !result.GetValue(expansion), SentenceViews = !result.GetValue(views) },
                }, ct);
                if (generator is not null) Models.Remember(memory.Directory, chosen!, generator);
                var display = result.GetValue(progress);
                var sources = new IngestSources(memory.TokenCounter);
                var ingestDisplay = new ProgressDisplay(display, "ingest", TimeSpan.FromSeconds(1));
                var ingest = await ingestDisplay.RunAsync(report => memory.IngestAsync(sources.ReadAsync(input.FullName, IngestFormat.Locomo, new IngestReaderOptions(), ct), new IngestOptions
                {
                    OnError = OnError.Skip,
                    Progress = new SyncProgress<IngestProgress>(p => report(p.Added, 0, string.Create(CultureInfo.InvariantCulture, $"{p.Added:N0} turns"))),
                }, ct));
                double ingestSeconds = ingestDisplay.Elapsed.TotalSeconds;
                ingestDisplay.Done(string.Create(CultureInfo.InvariantCulture, $"{ingest.Added:N0} turns ingested"));
                long total = ingest.Added;
                var indexDisplay = new ProgressDisplay(display, "embed", TimeSpan.FromSeconds(1));
                long vectors = memory.HasVectors
                    ? await indexDisplay.RunAsync(report => memory.IndexVectorsAsync(new SyncProgress<long>(n => report(n, total, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{total:N0} embedded"))), ct))
                    : 0;
                double indexSeconds = memory.HasVectors ? indexDisplay.Elapsed.TotalSeconds : 0;
                if (memory.HasVectors) indexDisplay.Done(string.Create(CultureInfo.InvariantCulture, $"{vectors:N0} embedded"));
                string label = mode == RetrievalMode.Lexical ? "lexical (BM25)" : $"{mode.ToString().ToLowerInvariant()} ({chosen!.ModelId})";
                label += result.GetValue(expansion) ? ", no expansion" : ", with expansion";
                if (result.GetValue(views) && mode != RetrievalMode.Lexical) label += ", no sentence views";
                var evaluator = new LocomoEvaluator((q, stream, k, token) => memory.SearchAsync(q, SearchFilter.ForStream(stream), k, mode, token));
                int questions = samples.Sum(s => s.Questions.Count);
                var askDisplay = new ProgressDisplay(display, "questions", TimeSpan.FromSeconds(1));
                var report = await askDisplay.RunAsync(r => evaluator.EvaluateAsync(samples, new SyncProgress<int>(n => r(n, questions, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{questions:N0} questions"))), ct));
                askDisplay.Done(string.Create(CultureInfo.InvariantCulture, $"{report.Overall.Questions:N0} questions scored"));
                if (result.GetValue(dump) is { } dumpFile) await DumpCandidatesAsync(memory.Directory, generator, samples, dumpFile, ct);
                if (result.GetValue(json))
                {
                    JsonOutput.WriteLine(new { file = input.Name, samples = samples.Count, turns = ingest.Added, ingestSeconds = Math.Round(ingestSeconds, 3), vectors, indexSeconds = Math.Round(indexSeconds, 3), retrieval = label, report });
                    return ExitCodes.Ok;
                }
                var inv = CultureInfo.InvariantCulture;
                Console.Out.WriteLine(string.Create(inv, $"{input.Name}: {samples.Count} conversations, {ingest.Added:N0} turns ingested in {ingestSeconds:0.00}s, {vectors:N0} embedded in {indexSeconds:0.00}s; retrieval: {label}"));
                Console.Out.WriteLine("| category | questions | R@1 | R@5 | R@10 | R@25 | session Hit@1 |");
                Console.Out.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                foreach (var s in report.Categories.Append(report.Overall))
                    Console.Out.WriteLine(string.Create(inv, $"| {s.Name} | {s.Questions} | {s.RecallAt1:0.000} | {s.RecallAt5:0.000} | {s.RecallAt10:0.000} | {s.RecallAt25:0.000} | {s.SessionHitAt1:0.000} |"));
                if (report.Calibration.Count > 0)
                {
                    Console.Out.WriteLine("| confidence | top-10 hits | observed evidence rate |");
                    Console.Out.WriteLine("| --- | ---: | ---: |");
                    foreach (var b in report.Calibration)
                        Console.Out.WriteLine(string.Create(inv, $"| {b.From:0.0}-{b.To:0.0} | {b.Hits} | {b.ObservedEvidenceRate:0.000} |"));
                }
                if (report.NotInMemory is { } nim)
                {
                    Console.Out.WriteLine(string.Create(inv, $"not in memory: each question also asked of another conversation; best-hit confidence own vs other AUC {nim.Auc:0.000}, medians {nim.OwnMedian:0.000} vs {nim.ForeignMedian:0.000}"));
                    Console.Out.WriteLine("| confidence at least | own conversation | other conversation |");
                    Console.Out.WriteLine("| ---: | ---: | ---: |");
                    foreach (var t in nim.Thresholds)
                        Console.Out.WriteLine(string.Create(inv, $"| {t.Confidence:0.0} | {t.OwnAtOrAbove:0.000} | {t.ForeignAtOrAbove:0.000} |"));
                }
                Console.Out.WriteLine(string.Create(inv, $"query p50 {report.QueryP50Ms:0.###} ms, p99 {report.QueryP99Ms:0.###} ms; {report.UnscorableQuestions} questions without a scorable evidence turn, {report.QuestionsWithMalformedEvidence} with malformed evidence ids"));
                return ExitCodes.Ok;
            }
            finally
            {
                if (given is null)
                {
                    try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
                }
            }
        }));
        return cmd;
    }

    /// <summary>
    /// What offline tuning (scripts/tuning/simulate_fusion.py) re-simulates fusion from: first one line per turn
    /// (<c>"kind": "turn"</c>: id, seq, session, speaker, token count, time, the text retrieval sees and its analyzed terms,
    /// so BM25 can be re-scored with other parameters), then one line per
    /// question (<c>"kind": "question"</c>, with its analyzed terms) with each channel's own ranking over the question's conversation and its raw
    /// scores (BM25, cosine; no z-scores, prior, fusion, expansion or recency step, no top-k cut): <c>lexical</c>,
    /// <c>dense</c> (with a model; entries scored with their sentence views), <c>dense_entry</c> (the same over the entry
    /// vectors alone) and <c>temporal</c> (BM25 within the range the question names; empty when it names none).
    /// A read-only open beside the writer.
    /// </summary>
    private static async Task DumpCandidatesAsync(string directory, IEmbeddingGenerator<string, Embedding<float>>? generator, IReadOnlyList<LocomoSample> samples, FileInfo file, CancellationToken ct)
    {
        await using var reader = await MemoryStore.OpenAsync(directory, new MemoryStoreOptions { ReadOnly = true, Embeddings = generator }, ct);
        // The dense channel without sentence views too (entry vectors only), for the ablation.
        await using var entriesOnly = generator is null ? null : await MemoryStore.OpenAsync(directory, new MemoryStoreOptions
        {
            ReadOnly = true, Embeddings = generator, Retrieval = new RetrievalOptions { SentenceViews = false },
        }, ct);
        await using var output = new StreamWriter(file.FullName);
        var analyzer = new EnglishAnalyzer();
        foreach (var sample in samples)
        {
            var turns = await reader.Log.GetRecentAsync(sample.SampleId, int.MaxValue, null, ct);
            var ids = new Dictionary<long, string?>(turns.Count);
            foreach (var e in turns.OrderBy(e => e.Seq))
            {
                ids[e.Seq] = e.ExternalId;
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    kind = "turn",
                    sample = sample.SampleId,
                    id = e.ExternalId,
                    seq = e.Seq,
                    session = e.Session,
                    speaker = e.Speaker,
                    tokens = e.Tokens,
                    time = e.Time,
                    text = RetrievalText.For(e),
                    terms = analyzer.Terms(RetrievalText.For(e)),
                }, WireJson.Options));
            }
            var filter = SearchFilter.ForStream(sample.SampleId);
            int all = Math.Max(1, turns.Count);
            foreach (var q in sample.Questions)
            {
                var channels = await reader.RankChannelsAsync(q.Question, filter, all, generator is null ? RetrievalMode.Lexical : RetrievalMode.Fused, ct);
                var plainDense = entriesOnly is null ? [] : await entriesOnly.RankChannelsAsync(q.Question, filter, all, RetrievalMode.Dense, ct);
                object[] Ranked(IEnumerable<RankingChannel> from, string name) => from.Where(c => c.Name == name).SelectMany(c => c.Hits)
                    .Select(h => (object)new object?[] { ids.GetValueOrDefault(h.Seq), Math.Round(h.Score, 6) }).ToArray();
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    kind = "question",
                    sample = sample.SampleId,
                    question = q.Question,
                    terms = analyzer.Terms(q.Question),
                    category = (int)q.Category,
                    evidence = q.Evidence,
                    lexical = Ranked(channels, "lexical"),
                    dense = Ranked(channels, "dense"),
                    dense_entry = Ranked(plainDense, "dense"),
                    temporal = Ranked(channels, "temporal"),
                }, WireJson.Options));
            }
        }
    }
}
