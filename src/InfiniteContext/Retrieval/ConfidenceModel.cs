namespace InfiniteContext.Retrieval;

/// <summary>
/// Turns a hit's fused score into the probability that it is evidence for the query: a logistic curve fitted
/// on the LoCoMo dev set (docs/BENCHMARKS.md gives the fit and its calibration table). The fused score is a
/// sum of per-channel z-scores plus the agreement bonus, so agreement is already in it, and it is comparable
/// across queries and corpus sizes in a way raw BM25 is not. A result set's confidence is its best hit's:
/// low means "probably not in memory".
/// </summary>
public static class ConfidenceModel
{
    // P(evidence) = 1 / (1 + exp(-(A + B * fusedScore / channels))), fitted by logistic regression on the
    // top-10 hits of the 495 dev questions (4,950 hits) of the default configuration: scripts/tuning/simulate_fusion.py
    // --calibrate. Refit 2026-12-02 when BM25's b went to 0.3, the temporal weight to 1.0 and the dense channel
    // gained sentence views (was A -3.435, B 0.615).
    internal const double A = -3.619, B = 0.673;

    public static double ForHit(double fusedScore, int channels)
    {
        if (channels <= 0) return 0;
        double x = A + B * fusedScore / channels;
        return Math.Round(1 / (1 + Math.Exp(-x)), 4);
    }

    public static double ForResults(IReadOnlyList<SearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        return hits.Count == 0 ? 0 : hits.Max(h => h.Confidence ?? 0);
    }
}
