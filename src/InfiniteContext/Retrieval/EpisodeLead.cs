namespace InfiniteContext.Retrieval;

/// <summary>
/// Chooses which episode (session) leads the results. After <see cref="ContiguityExpansion"/> the first hit is the
/// best single entry, so one turn that happens to share the query's words decides which session comes first. An
/// episode that holds the answer usually shows it more than once: a second strong entry, and hits near the top of
/// more than one channel. Among the first <see cref="RetrievalOptions.LeadSessions"/> sessions in ranked order,
/// each gets
/// <code>best + LeadSecondWeight x second best + LeadVoteWeight x votes</code>
/// (entry scores before the session share; a session with one candidate counts the floor as its second; votes: how
/// many of each channel's first <see cref="RetrievalOptions.LeadVoteDepth"/> hits lie in it), and the best entry of
/// the winner moves to first place. Only the head changes: every other entry keeps its order, so recall at any
/// depth moves by at most the one entry pushed down. Entries without a session are episodes of their own. Pure.
/// </summary>
public static class EpisodeLead
{
    /// <summary>How many of each channel's first <paramref name="depth"/> hits (by score) each entry is: the votes an entry brings its session.</summary>
    public static IReadOnlyDictionary<long, int> Votes(IReadOnlyList<RankingChannel> channels, int depth)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var votes = new Dictionary<long, int>();
        if (depth <= 0) return votes;
        foreach (var c in channels)
        {
            var hits = c.Hits;
            bool sorted = true;
            for (int i = 1; i < hits.Count && sorted; i++) sorted = hits[i - 1].Score >= hits[i].Score;
            var top = sorted ? hits.Take(depth) : hits.OrderByDescending(h => h.Score).Take(depth);
            foreach (var h in top) votes[h.Seq] = votes.GetValueOrDefault(h.Seq) + 1;
        }
        return votes;
    }

    /// <param name="ranked">Expanded candidates, best first (their <see cref="RankedCandidate.OwnScore"/> set).</param>
    /// <param name="entries">Every candidate's entry, by seq (candidates without one are left where they are).</param>
    /// <param name="votes">Per entry, how many channels rank it among their first few (<see cref="Votes"/>).</param>
    /// <param name="floor">The score of an entry no channel found: the second best of a session with one candidate.</param>
    public static IReadOnlyList<RankedCandidate> Apply(
        IReadOnlyList<RankedCandidate> ranked,
        IReadOnlyDictionary<long, Entry> entries,
        IReadOnlyDictionary<long, int> votes,
        double floor,
        RetrievalOptions options)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(options);
        if (options.LeadSessions <= 1 || ranked.Count < 2) return ranked;

        // The leading sessions in ranked order, each with the index of its first (best) entry.
        var lead = new List<(string Key, int First)>(options.LeadSessions);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ranked.Count && lead.Count < options.LeadSessions; i++)
        {
            if (KeyOf(ranked[i].Seq, entries) is { } key && seen.Add(key)) lead.Add((key, i));
        }
        if (lead.Count < 2 || lead[0].First != 0) return ranked;

        // Best, second best and votes of each leading session over all its candidates.
        var stats = new Dictionary<string, (double Best, double Second, int Votes)>(lead.Count, StringComparer.Ordinal);
        foreach (var (key, _) in lead) stats[key] = (double.NegativeInfinity, floor, 0);
        foreach (var r in ranked)
        {
            if (KeyOf(r.Seq, entries) is not { } key || !stats.TryGetValue(key, out var s)) continue;
            double own = r.OwnScore;
            if (own > s.Best) s = (own, s.Best == double.NegativeInfinity ? s.Second : Math.Max(s.Second, s.Best), s.Votes);
            else if (own > s.Second) s = (s.Best, own, s.Votes);
            s.Votes += votes.GetValueOrDefault(r.Seq);
            stats[key] = s;
        }

        int winner = 0;
        double bestScore = double.NegativeInfinity;
        for (int k = 0; k < lead.Count; k++)
        {
            var s = stats[lead[k].Key];
            double score = s.Best + options.LeadSecondWeight * s.Second + options.LeadVoteWeight * s.Votes;
            if (score > bestScore) (winner, bestScore) = (k, score); // ties keep the earlier session
        }
        if (winner == 0) return ranked;

        int first = lead[winner].First;
        var result = new List<RankedCandidate>(ranked.Count) { ranked[first] };
        for (int i = 0; i < ranked.Count; i++)
            if (i != first) result.Add(ranked[i]);
        return result;
    }

    private static string? KeyOf(long seq, IReadOnlyDictionary<long, Entry> entries) =>
        !entries.TryGetValue(seq, out var e) ? null
        : e.Session is null ? "#" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : e.Stream + "\u0001" + e.Session;
}
