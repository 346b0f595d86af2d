using InfiniteContext.Indexing;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Fuses independent retrieval channels. Raw scores are not comparable across channels (BM25 is unbounded
/// and grows with the corpus; cosines of unrelated text sit far from 0), so each channel's scores are
/// standardized (z-scores) over its own candidate list. An entry a channel did not return gets that
/// channel's floor (its weakest candidate's z), so being found by a channel always counts for something,
/// and each further channel that found it adds <see cref="RetrievalOptions.AgreementBonus"/>.
/// </summary>
public static class ConsensusRanker
{
    public static IReadOnlyList<FusedCandidate> Fuse(IReadOnlyList<RankingChannel> channels, RetrievalOptions options) =>
        Fuse(channels, options, out _);

    /// <param name="floor">The score of an entry no channel returned: every channel's floor, weighted.</param>
    public static IReadOnlyList<FusedCandidate> Fuse(IReadOnlyList<RankingChannel> channels, RetrievalOptions options, out double floor)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(options);
        var standardized = new Dictionary<long, double>[channels.Count];
        var floors = new double[channels.Count];
        var all = new HashSet<long>();
        floor = 0;
        for (int c = 0; c < channels.Count; c++)
        {
            (standardized[c], floors[c]) = Standardize(channels[c].Hits);
            all.UnionWith(standardized[c].Keys);
            floor += channels[c].Weight * floors[c];
        }
        var result = new List<FusedCandidate>(all.Count);
        foreach (long seq in all)
        {
            var z = new double[channels.Count];
            double score = 0;
            int found = 0;
            for (int c = 0; c < channels.Count; c++)
            {
                bool hit = standardized[c].TryGetValue(seq, out z[c]);
                if (!hit) z[c] = floors[c];
                else found++;
                score += channels[c].Weight * z[c];
            }
            score += options.AgreementBonus * Math.Max(0, found - 1);
            result.Add(new FusedCandidate(seq, score, z, found));
        }
        result.Sort(FusedCandidate.ByScore);
        return result;
    }

    /// <summary>z-scores over the list; a list of one (or of equal scores) maps to 1 for its members and 0 for the floor.</summary>
    internal static (Dictionary<long, double> Scores, double Floor) Standardize(IReadOnlyList<ScoredDoc> hits)
    {
        var scores = new Dictionary<long, double>(hits.Count);
        if (hits.Count == 0) return (scores, 0);
        double mean = 0;
        foreach (var h in hits) mean += h.Score;
        mean /= hits.Count;
        double variance = 0;
        foreach (var h in hits) variance += (h.Score - mean) * (h.Score - mean);
        double sd = Math.Sqrt(variance / hits.Count);
        if (sd < 1e-9)
        {
            foreach (var h in hits) scores[h.Seq] = 1;
            return (scores, 0);
        }
        double floor = double.MaxValue;
        foreach (var h in hits)
        {
            double z = (h.Score - mean) / sd;
            scores[h.Seq] = z;
            floor = Math.Min(floor, z);
        }
        return (scores, floor);
    }
}

/// <summary>A fused candidate: its score, each channel's standardized score (the floor where the channel did not find it), and how many channels found it.</summary>
public sealed record FusedCandidate(long Seq, double Score, IReadOnlyList<double> ChannelScores, int ChannelsFound)
{
    /// <summary>Best first; ties to the newer entry, so equal evidence prefers the latest state.</summary>
    public static int ByScore(FusedCandidate a, FusedCandidate b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : b.Seq.CompareTo(a.Seq);
}
