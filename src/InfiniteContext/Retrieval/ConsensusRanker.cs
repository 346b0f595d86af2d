using InfiniteContext.Indexing;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Fuses independent retrieval channels. Each channel's scores are normalized to [0, 1] within its own
/// candidate list (BM25 by its best score; cosine between its best and its weakest candidate, since
/// cosines of unrelated text are far from 0), weighted, and summed; an entry both channels found gets
/// an agreement bonus. Confidence says how much to trust a hit: high when the channels agree and the
/// hit dominates, low for a lone weak match (the signal a caller needs for "not in memory").
/// </summary>
public static class ConsensusRanker
{
    public static IReadOnlyList<FusedHit> Fuse(IReadOnlyList<ScoredDoc> lexical, IReadOnlyList<ScoredDoc> dense, RetrievalOptions options, int top)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(options);
        var fused = new Dictionary<long, (double Lexical, double Dense, bool InLexical, bool InDense)>();
        double lexMax = lexical.Count == 0 ? 0 : lexical.Max(h => h.Score);
        foreach (var h in lexical)
        {
            double n = lexMax > 0 ? h.Score / lexMax : 0;
            fused[h.Seq] = (n, 0, true, false);
        }
        if (dense.Count > 0)
        {
            double max = dense.Max(h => h.Score), min = dense.Min(h => h.Score);
            double range = max - min;
            foreach (var h in dense)
            {
                double n = range > 1e-9 ? (h.Score - min) / range : 1;
                fused.TryGetValue(h.Seq, out var f);
                fused[h.Seq] = (f.Lexical, n, f.InLexical, true);
            }
        }
        var result = new List<FusedHit>(fused.Count);
        foreach (var (seq, f) in fused)
        {
            bool agree = f.InLexical && f.InDense;
            double score = options.LexicalWeight * f.Lexical + options.DenseWeight * f.Dense + (agree ? options.AgreementBonus : 0);
            result.Add(new FusedHit(seq, score, f.Lexical, f.Dense, agree, 0));
        }
        result.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : b.Seq.CompareTo(a.Seq));
        if (result.Count > top) result.RemoveRange(top, result.Count - top);
        double ceiling = options.LexicalWeight + options.DenseWeight + options.AgreementBonus;
        for (int i = 0; i < result.Count; i++)
        {
            var h = result[i];
            // Absolute strength (share of the best possible fused score) tempered by agreement.
            double confidence = Math.Clamp(h.Score / ceiling, 0, 1) * (h.Agreement ? 1.0 : 0.6);
            result[i] = h with { Confidence = Math.Round(confidence, 4) };
        }
        return result;
    }
}

/// <summary>A fused result: the entry, its fused score, each channel's normalized score, whether both channels found it, and a confidence in [0, 1].</summary>
public sealed record FusedHit(long Seq, double Score, double Lexical, double Dense, bool Agreement, double Confidence);
