using System.Diagnostics;
using InfiniteContext.Ingest;

namespace InfiniteContext.Evaluation;

/// <summary>Where a run is: phase ("haystack", "vectors", "queries"; "check" when a kept store is reused), and done out of total in the phase's unit.</summary>
public readonly record struct NiahProgress(string Phase, double Done, double Total);

/// <summary>
/// Needle in a haystack at sizes no context window reaches. For one size: streams a generated haystack
/// with the plan's needles through the store's normal ingest (bounded memory: one paragraph and the plan),
/// embeds it if the store has a model, then asks every probe's question through the store's normal search
/// and scores rank 1 and top k per (variant, depth) cell, with query latency p50/p99. Everything but the
/// timings is a function of the options' seed and the size.
/// </summary>
public sealed class NiahEvaluator(NiahOptions options)
{
    private const int WarmUpQueries = 5;

    /// <summary>Runs one haystack size against an empty, writable store.</summary>
    public async Task<NiahSizeResult> RunAsync(MemoryStore store, string sizeLabel, long targetTokens, IProgress<NiahProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(sizeLabel);
        var stats = await store.GetStatsAsync(cancellationToken);
        if (stats.Entries > 0) throw new ArgumentException($"The store '{store.Directory}' already holds {stats.Entries} entries; a haystack needs an empty store.");

        var plan = NiahPlan.Create(targetTokens, options);
        var haystack = new HaystackStream(new HaystackGenerator(options.Seed), plan, store.TokenCounter);
        var clock = Stopwatch.StartNew();
        var ingest = await store.IngestAsync(haystack.ReadAsync(cancellationToken), new IngestOptions
        {
            Progress = new InlineProgress<IngestProgress>(_ => progress?.Report(new NiahProgress("haystack", haystack.HaystackTokens, targetTokens))),
        }, cancellationToken);
        if (ingest.AbortedAt is { } problem) throw new InvalidOperationException($"The haystack could not be stored: {problem}");
        double ingestSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        long vectors = 0;
        if (store.HasVectors)
        {
            long total = ingest.Added;
            vectors = await store.IndexVectorsAsync(new InlineProgress<long>(n => progress?.Report(new NiahProgress("vectors", n, total))), cancellationToken);
        }
        double indexSeconds = clock.Elapsed.TotalSeconds;

        var (scores, querySeconds) = await AskAsync(store, plan, sizeLabel, progress, cancellationToken);

        var timings = new NiahTimings(Math.Round(ingestSeconds, 3), Math.Round(indexSeconds, 3), Math.Round(querySeconds, 3), scores.P50Ms, scores.P99Ms,
            Math.Round(ingest.Tokens / Math.Max(ingestSeconds, 1e-9))) { Variants = scores.ByVariant };
        return new NiahSizeResult(sizeLabel, targetTokens, haystack.HaystackTokens, ingest.Tokens, ingest.Added, haystack.Inserted, vectors, scores.Cells, scores.Misses, timings);
    }

    /// <summary>
    /// Asks the questions again of a store an earlier <see cref="RunAsync"/> with the same options and size built and kept:
    /// no ingest and no embedding, so a retrieval change can be measured on a 10M-token haystack in seconds instead of the
    /// hour its vectors take. The store must hold exactly the haystack these options generate (every entry's id and text,
    /// in order, and nothing else) and a vector for every entry when it has a model; anything else is refused.
    /// </summary>
    public async Task<NiahSizeResult> RequeryAsync(MemoryStore store, string sizeLabel, long targetTokens, IProgress<NiahProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(sizeLabel);
        var plan = NiahPlan.Create(targetTokens, options);
        var haystack = new HaystackStream(new HaystackGenerator(options.Seed), plan, store.TokenCounter);
        var clock = Stopwatch.StartNew();
        long entries = 0, tokens = 0;
        await using (var stored = store.Log.ReadAfterAsync(0, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            await foreach (var item in haystack.ReadAsync(cancellationToken))
            {
                var expected = item.Entry!;
                if (!await stored.MoveNextAsync())
                    throw new ArgumentException($"The store '{store.Directory}' ends after {entries:N0} entries; the {sizeLabel} haystack of seed {options.Seed} has more. Rebuild it.");
                var e = stored.Current;
                if (e.Stream != HaystackStream.StreamName || e.ExternalId != expected.ExternalId || e.Text != expected.Text)
                    throw new ArgumentException($"Entry {entries + 1:N0} of the store '{store.Directory}' (id '{e.ExternalId}') is not entry '{expected.ExternalId}' of the {sizeLabel} haystack of seed {options.Seed} with these needle options. Rebuild it.");
                entries++;
                tokens += e.Tokens;
                if (entries % 4096 == 0) progress?.Report(new NiahProgress("check", haystack.HaystackTokens, targetTokens));
            }
            if (await stored.MoveNextAsync())
                throw new ArgumentException($"The store '{store.Directory}' holds more than the {entries:N0} entries of the {sizeLabel} haystack of seed {options.Seed}. Rebuild it.");
        }
        double checkSeconds = clock.Elapsed.TotalSeconds;
        if (store.HasVectors)
        {
            var stats = await store.GetStatsAsync(cancellationToken);
            if (stats.VectorsPending > 0)
                throw new ArgumentException($"{stats.VectorsPending:N0} of the {entries:N0} entries of the store '{store.Directory}' have no vector yet; a reused haystack is asked as it was kept. Run 'infctx index --store {store.Directory} --wait' or rebuild it.");
        }

        var (scores, querySeconds) = await AskAsync(store, plan, sizeLabel, progress, cancellationToken);
        var timings = new NiahTimings(0, 0, Math.Round(querySeconds, 3), scores.P50Ms, scores.P99Ms, 0)
        {
            Variants = scores.ByVariant,
            ReusedStoreCheckSeconds = Math.Round(checkSeconds, 3),
        };
        return new NiahSizeResult(sizeLabel, targetTokens, haystack.HaystackTokens, tokens, entries, haystack.Inserted, store.HasVectors ? entries : 0, scores.Cells, scores.Misses, timings);
    }

    /// <summary>Every probe of the plan asked of the haystack's stream through the store's normal search, timed as a whole.</summary>
    private async Task<(NiahScores Scores, double Seconds)> AskAsync(MemoryStore store, NiahPlan plan, string sizeLabel, IProgress<NiahProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var filter = SearchFilter.ForStream(HaystackStream.StreamName);
        var scores = await ScoreAsync(plan.Probes, sizeLabel, (q, k, ct) => store.SearchAsync(q, filter, k, ct), progress, cancellationToken);
        return (scores, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Asks every probe's question and scores the answers by entry id; cells come out in depth order, variants in option order.</summary>
    public async Task<NiahScores> ScoreAsync(IReadOnlyList<NeedleProbe> probes, string sizeLabel,
        Func<string, int, CancellationToken, Task<IReadOnlyList<SearchHit>>> search, IProgress<NiahProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(search);
        // Untimed warm-up: the first queries pay for JIT and cold pages, which would flatter larger haystacks' p50 by comparison.
        foreach (var probe in probes.Take(WarmUpQueries)) await search(probe.Question, options.Top, cancellationToken);

        var latencies = new List<double>(probes.Count);
        var byVariant = new Dictionary<NeedleVariant, List<double>>();
        var counts = new Dictionary<(NeedleVariant, int), int[]>();
        var misses = new List<NiahMiss>();
        int done = 0;
        foreach (var probe in probes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            var hits = await search(probe.Question, options.Top, cancellationToken);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            latencies.Add(ms);
            if (!byVariant.TryGetValue(probe.Variant, out var own)) byVariant[probe.Variant] = own = [];
            own.Add(ms);
            var outcome = NeedleOutcome.Score(probe, hits, options.Top);
            if (!counts.TryGetValue((probe.Variant, probe.Depth), out var c)) counts[(probe.Variant, probe.Depth)] = c = new int[4];
            c[0]++;
            if (outcome.AtRank1) c[1]++;
            if (outcome.WithinTopK) c[2]++;
            if (outcome.DistractorAtRank1) c[3]++;
            if (!outcome.AtRank1)
                misses.Add(new NiahMiss(probe.Variant.ToWire(), sizeLabel, probe.Depth, probe.Question, probe.Needles[0].Id, outcome.NeedleRank, outcome.TopHitId, hits.Count > 0 ? hits[0].Entry.Text : null));
            progress?.Report(new NiahProgress("queries", ++done, probes.Count));
        }
        var cells = new List<NiahCell>();
        foreach (var variant in options.Variants)
            foreach (int depth in options.Depths)
                if (counts.TryGetValue((variant, depth), out var c))
                    cells.Add(new NiahCell(variant.ToWire(), sizeLabel, depth, c[0], c[1], c[2], c[3]));
        latencies.Sort();
        var variants = new List<NiahVariantLatency>();
        foreach (var variant in options.Variants)
        {
            if (!byVariant.TryGetValue(variant, out var own)) continue;
            own.Sort();
            variants.Add(new NiahVariantLatency(variant.ToWire(), own.Count, Percentiles.Of(own, 0.5), Percentiles.Of(own, 0.99)));
        }
        return new NiahScores(cells, misses, Percentiles.Of(latencies, 0.5), Percentiles.Of(latencies, 0.99)) { ByVariant = variants };
    }


    /// <summary>Calls back on the reporting thread, in order (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}

/// <summary>The scored probes of one haystack size.</summary>
public sealed record NiahScores(IReadOnlyList<NiahCell> Cells, IReadOnlyList<NiahMiss> Misses, double P50Ms, double P99Ms)
{
    public IReadOnlyList<NiahVariantLatency> ByVariant { get; init; } = [];
}
