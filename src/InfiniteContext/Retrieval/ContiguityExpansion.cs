namespace InfiniteContext.Retrieval;

/// <summary>
/// Structure-aware re-ranking after fusion. Memory is episodic: the turn that answers a question usually sits
/// next to the turn that matched it, and the turns of one session belong together (EM-LLM's temporal
/// contiguity). Two steps, both pure:
/// <list type="number">
/// <item>Each seed (a strong hit) lends score to its neighbours within the window in the same stream and session
/// (entries without a session take no part):
/// a neighbour moves <see cref="RetrievalOptions.NeighbourShare"/> of the way up to the seed (halved per extra step).
/// Neighbours no channel found join the candidates this way.</item>
/// <item>Every candidate gains <see cref="RetrievalOptions.SessionShare"/> of its session's best score (max-sim, not
/// mean: one strong turn makes a session relevant; many weak ones do not). Entries without a session form their own.</item>
/// </list>
/// </summary>
public static class ContiguityExpansion
{
    /// <param name="fused">Fused candidates, best first.</param>
    /// <param name="entries">Every candidate's and neighbour's entry, by seq.</param>
    /// <param name="neighbours">For each seed: its neighbours (same stream) ordered by seq, the seed excluded.</param>
    /// <param name="floor">Base score of an entry no channel found.</param>
    /// <param name="prior">What a neighbour no channel found adds to the floor (the fused candidates carry theirs already).</param>
    public static IReadOnlyList<RankedCandidate> Rerank(
        IReadOnlyList<FusedCandidate> fused,
        IReadOnlyDictionary<long, Entry> entries,
        IReadOnlyDictionary<long, IReadOnlyList<Entry>> neighbours,
        double floor,
        RetrievalOptions options,
        Func<Entry, double>? prior = null)
    {
        ArgumentNullException.ThrowIfNull(fused);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(options);
        var baseScore = new Dictionary<long, double>(fused.Count);
        foreach (var f in fused) baseScore[f.Seq] = f.Score;
        var lifted = new Dictionary<long, (double Score, long? From)>(baseScore.Count);
        foreach (var (seq, score) in baseScore) lifted[seq] = (score, null);

        foreach (var (seedSeq, around) in neighbours)
        {
            if (!baseScore.TryGetValue(seedSeq, out double seed) || !entries.TryGetValue(seedSeq, out var seedEntry)) continue;
            foreach (var (n, distance) in WithDistance(seedSeq, around, options.NeighbourWindow))
            {
                if (!SameEpisode(seedEntry, n)) continue;
                double own = baseScore.TryGetValue(n.Seq, out double b) ? b : floor + (prior?.Invoke(n) ?? 0);
                if (seed <= own) continue;
                double share = options.NeighbourShare * Math.Pow(0.5, distance - 1);
                double candidate = own + share * (seed - own);
                if (!lifted.TryGetValue(n.Seq, out var current) || candidate > current.Score) lifted[n.Seq] = (candidate, seedSeq);
            }
        }

        var sessionBest = new Dictionary<(string, string), double>();
        foreach (var (seq, (score, _)) in lifted)
        {
            if (!entries.TryGetValue(seq, out var e) || e.Session is null) continue;
            var key = (e.Stream, e.Session);
            if (!sessionBest.TryGetValue(key, out double best) || score > best) sessionBest[key] = score;
        }
        var result = new List<RankedCandidate>(lifted.Count);
        foreach (var (seq, (score, from)) in lifted)
        {
            double session = entries.TryGetValue(seq, out var e) && e.Session is not null ? sessionBest[(e.Stream, e.Session)] : score;
            result.Add(new RankedCandidate(seq, score + options.SessionShare * session, baseScore.TryGetValue(seq, out double fusedScore) ? fusedScore : floor, from) { OwnScore = score });
        }
        result.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : b.Seq.CompareTo(a.Seq));
        return result;
    }

    /// <summary>
    /// Episodes are sessions. Entries without one have no known boundaries (a stream may interleave unrelated
    /// documents or tools), so they neither lend nor borrow: they are ranked by their own channel scores only.
    /// </summary>
    private static bool SameEpisode(Entry a, Entry b) =>
        a.Session is not null && a.Stream == b.Stream && string.Equals(a.Session, b.Session, StringComparison.Ordinal);

    /// <summary>Distance in entries from the seed: neighbours before it count back from it, those after count forward.</summary>
    private static IEnumerable<(Entry Entry, int Distance)> WithDistance(long seed, IReadOnlyList<Entry> around, int window)
    {
        int before = 0;
        foreach (var e in around) if (e.Seq < seed) before++;
        for (int i = 0; i < around.Count; i++)
        {
            int distance = around[i].Seq < seed ? before - i : i - before + 1;
            if (distance >= 1 && distance <= window) yield return (around[i], distance);
        }
    }
}

/// <summary>A candidate after expansion: final score, its fused score before expansion, and the seed that lifted it (if any).</summary>
public sealed record RankedCandidate(long Seq, double Score, double FusedScore, long? LiftedBy)
{
    /// <summary>The score before its session's share was added: the fused score, or what a neighbour lent if that is more.</summary>
    public double OwnScore { get; init; } = Score;
}
