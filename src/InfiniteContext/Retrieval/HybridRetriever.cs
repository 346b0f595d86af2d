using InfiniteContext.Indexing;
using InfiniteContext.Storage;
using InfiniteContext.Vectors;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Retrieval;

/// <summary>
/// One query through every channel: BM25, dense similarity (when vectors exist), and the temporal channel
/// (BM25 restricted to the time range the query names); fused by <see cref="ConsensusRanker"/>, shifted by
/// <see cref="EntryPrior"/>, re-ranked by <see cref="ContiguityExpansion"/>, led by the session
/// <see cref="EpisodeLead"/> chooses, near-duplicates resolved to the latest when the query asks for the
/// current state (<see cref="RecencyPreference"/>), each hit given a calibrated confidence
/// (<see cref="ConfidenceModel"/>). No model but the embedder, and that only for the query.
/// </summary>
internal sealed class HybridRetriever(
    ILogStore log,
    Func<ILexicalIndex> lexical,
    VectorStore? vectors,
    IEmbeddingGenerator<string, Embedding<float>>? embeddings,
    RetrievalOptions options,
    PartVectors? parts = null)
{
    private static readonly EmbeddingGenerationOptions QueryInput = new() { AdditionalProperties = new() { ["input_type"] = "query" } };

    public RetrievalOptions Options => options;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter filter, LexicalScope scope, int top, RetrievalMode mode, CancellationToken cancellationToken)
    {
        int n = Math.Max(top, options.CandidatesPerChannel);
        var channels = await ChannelsAsync(query, filter, scope, n, mode, cancellationToken);
        var fused = ConsensusRanker.Fuse(channels, options, out double floor);
        if (fused.Count == 0) return [];

        var entries = (await log.GetAsync(fused.Select(f => f.Seq).ToList(), cancellationToken)).ToDictionary(e => e.Seq);
        // Confidence stays a function of what the channels said (it was calibrated on that); the prior only orders.
        var channelScore = fused.ToDictionary(f => f.Seq, f => f.Score);
        var prior = EntryPrior.For(query, entries.Values, options);
        fused = prior.Apply(fused, entries);
        IReadOnlyList<RankedCandidate> ranked;
        if (options.Expansion)
        {
            var neighbours = await log.GetNeighboursAsync(fused.Take(options.ExpansionSeeds).Select(f => f.Seq).ToList(), options.NeighbourWindow, options.NeighbourWindow, cancellationToken);
            foreach (var around in neighbours.Values)
                foreach (var e in around) entries.TryAdd(e.Seq, e);
            ranked = ContiguityExpansion.Rerank(fused, entries, neighbours, floor, options, prior.Of);
            ranked = EpisodeLead.Apply(ranked, entries, EpisodeLead.Votes(channels, options.LeadVoteDepth), floor, options);
        }
        else
        {
            ranked = fused.Select(f => new RankedCandidate(f.Seq, f.Score, f.Score, null)).ToList();
        }

        double baseline = floor * (1 + (options.Expansion ? options.SessionShare : 0));
        var hits = new List<SearchHit>(Math.Min(top, ranked.Count));
        // Over-collect so filters and the recency step still leave `top` hits.
        foreach (var r in ranked)
        {
            if (!entries.TryGetValue(r.Seq, out var e) || !filter.Matches(e)) continue;
            double confidence = ConfidenceModel.ForHit(channelScore.GetValueOrDefault(r.Seq, floor), channels.Count);
            // Reported relative to the lowest score the channels can give, so scores are never negative (a negative prior stops at 0).
            hits.Add(new SearchHit(e, Math.Round(Math.Max(0, r.Score - baseline), 6)) { Confidence = confidence });
            if (hits.Count == top + RecencyPreference.Window) break;
        }
        if (RecencyPreference.AsksForCurrentState(query))
        {
            var coverage = QueryCoverage.For(query);
            if (mode != RetrievalMode.Dense) await PullInLatestAsync(hits, coverage, query, filter, scope, n, cancellationToken);
            hits = RecencyPreference.LatestFirst(hits, coverage);
        }
        if (hits.Count > top) hits.RemoveRange(top, hits.Count - top);
        return hits;
    }

    /// <summary>
    /// Each channel's own ranking of up to <paramref name="n"/> candidates with its raw scores (BM25, cosine), before
    /// fusion: what <see cref="SearchAsync"/> fuses, and what offline tuning re-simulates.
    /// </summary>
    public async Task<IReadOnlyList<RankingChannel>> ChannelsAsync(string query, SearchFilter filter, LexicalScope scope, int n, RetrievalMode mode, CancellationToken cancellationToken)
    {
        var channels = new List<RankingChannel>(3);
        // The query's embedding (the model: the larger part of a query's time) starts first, and the lexical and
        // temporal channels run while it computes, so a query costs about the longer of the two, not their sum.
        bool dense = mode != RetrievalMode.Lexical && vectors is not null && embeddings is not null;
        var embedding = dense ? embeddings!.GenerateAsync([query], QueryInput, cancellationToken) : null;
        if (mode != RetrievalMode.Dense)
            channels.Add(new RankingChannel("lexical", lexical().Search(query, scope, n), options.LexicalWeight));
        RankingChannel? temporal = null;
        // Most queries name no time: only those that do pay for reading the stream's newest entry.
        if (options.TemporalWeight > 0 && filter.From is null && filter.To is null && TimeExpressionParser.MentionsTime(query)
            && TimeExpressionParser.Parse(query, await ReferenceTimeAsync(filter, cancellationToken)) is { } range)
        {
            var inRange = scope with { FromUnixMs = range.From.ToUnixTimeMilliseconds(), ToUnixMs = range.To.ToUnixTimeMilliseconds() };
            var inRangeHits = lexical().Search(query, inRange, n);
            if (inRangeHits.Count > 0) temporal = new RankingChannel("temporal", inRangeHits, options.TemporalWeight);
        }
        if (embedding is not null)
        {
            // The vector scan knows streams only: other filters restrict it to the seqs the log says pass them.
            bool restricted = filter.From is not null || filter.To is not null || filter.Role is not null || filter.Speaker is not null || filter.Session is not null;
            var allowed = restricted ? await log.GetMatchingSeqsAsync(scope.StreamIds, filter, cancellationToken) : null;
            var vector = (await embedding)[0].Vector;
            channels.Add(new RankingChannel("dense", DenseSearch(vector.Span, scope.StreamIds, n, allowed), options.DenseWeight));
        }
        if (temporal is not null) channels.Add(temporal);

        return channels;
    }

    /// <summary>
    /// The dense channel: each entry's cosine, or where its sentence views are stored the best of its own vector and its
    /// part blends (<see cref="PartVectors"/>). Exact: an entry among the best <paramref name="n"/> by that maximum is
    /// among the best <paramref name="n"/> of the entry vectors or of the parts; one found through its parts only has its
    /// own cosine looked up.
    /// </summary>
    private IReadOnlyList<Indexing.ScoredDoc> DenseSearch(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int n, IReadOnlySet<long>? allowed)
    {
        var own = vectors!.Search(query, streamIds, n, allowed);
        if (parts is null || !options.SentenceViews || parts.Count == 0) return own;
        var best = new Dictionary<long, double>(own.Count * 2);
        foreach (var d in own) best[d.Seq] = d.Score;
        var partsOnly = new HashSet<long>();
        foreach (var d in parts.Search(query, streamIds, n, allowed))
        {
            if (best.TryGetValue(d.Seq, out double b)) best[d.Seq] = Math.Max(b, d.Score);
            else
            {
                best[d.Seq] = d.Score;
                partsOnly.Add(d.Seq);
            }
        }
        if (partsOnly.Count > 0)
            foreach (var d in vectors.Search(query, streamIds, partsOnly.Count, partsOnly))
                best[d.Seq] = Math.Max(best[d.Seq], d.Score);
        return best.Select(kv => new Indexing.ScoredDoc(kv.Key, kv.Value))
            .OrderByDescending(d => d.Score).ThenByDescending(d => d.Seq).Take(n).ToList();
    }

    /// <summary>
    /// A fact updated hundreds of times has hundreds of near-equal candidates, and the newest need not be among
    /// the best hundred. When the top hit holds every topic term of a current-state query, look for a newer entry
    /// that does too: BM25 restricted to the time after the newest one known, repeated from each newer one found
    /// until none is. Each round costs one scoped search; the rounds are few because each one jumps to the newest
    /// of up to <paramref name="n"/> candidates. The entry found joins the hits and <see cref="RecencyPreference"/>
    /// puts it at the head of its group.
    /// </summary>
    private async Task PullInLatestAsync(List<SearchHit> hits, QueryCoverage coverage, string query, SearchFilter filter, LexicalScope scope, int n, CancellationToken cancellationToken)
    {
        if (hits.Count == 0) return;
        var top = hits[0];
        if (top.Entry.Time is not { } newest || !RecencyPreference.CoversTopic(coverage, top.Entry)) return;
        foreach (var h in hits)
            if (h.Entry.Stream == top.Entry.Stream && h.Entry.Time is { } t && t > newest && RecencyPreference.CoversTopic(coverage, h.Entry)) newest = t;
        Entry? latest = null;
        for (int round = 0; round < MaxLatestRounds; round++)
        {
            long from = newest.ToUnixTimeMilliseconds() + 1;
            var later = lexical().Search(query, scope with { FromUnixMs = Math.Max(scope.FromUnixMs ?? long.MinValue, from) }, n);
            if (later.Count == 0) break;
            Entry? found = null;
            foreach (var e in await log.GetAsync(later.Select(d => d.Seq).ToList(), cancellationToken))
            {
                if (e.Stream != top.Entry.Stream || e.Time is not { } t || t <= newest || !filter.Matches(e) || !RecencyPreference.CoversTopic(coverage, e)) continue;
                if (found is null || t > found.Time || (t == found.Time && e.Seq > found.Seq)) found = e;
            }
            if (found is null) break;
            latest = found;
            newest = found.Time!.Value;
        }
        if (latest is not null && hits.TrueForAll(h => h.Entry.Seq != latest.Seq))
            hits.Add(new SearchHit(latest, top.Score) { Confidence = top.Confidence });
    }

    /// <summary>Bounds the search for a newer statement of the top fact (each round usually leaves few newer ones).</summary>
    private const int MaxLatestRounds = 8;

    /// <summary>"Last week" in a stored conversation means the week before its newest entry, not before today.</summary>
    private async Task<DateTimeOffset> ReferenceTimeAsync(SearchFilter filter, CancellationToken cancellationToken)
    {
        DateTimeOffset? newest = null;
        if (filter.Streams is { Count: > 0 } streams)
        {
            foreach (var s in streams)
            {
                foreach (var e in await log.GetRecentAsync(s, 1, null, cancellationToken))
                    if (e.Time is { } t && (newest is null || t > newest)) newest = t;
            }
        }
        else
        {
            long last = await log.GetLastSeqAsync(cancellationToken);
            if (last > 0)
                foreach (var e in await log.GetAsync([last], cancellationToken)) newest = e.Time;
        }
        return newest ?? DateTimeOffset.UtcNow;
    }
}
