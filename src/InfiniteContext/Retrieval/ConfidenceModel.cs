namespace InfiniteContext.Retrieval;

/// <summary>
/// Turns a hit's fused score into the probability that it is evidence for the query: a logistic curve fitted
/// on the LoCoMo dev set (docs/BENCHMARKS.md gives the fit and its calibration table). The fused score is a
/// sum of per-channel z-scores, so it is comparable across queries and corpus sizes in a way raw BM25 is not.
/// A result set's confidence is its best hit's: low means "probably not in memory".
/// </summary>
public static class ConfidenceModel
{
    // Fitted coefficients: P(evidence) = 1 / (1 + exp(-(A + B * zPerChannel + C * agreement))).
    internal const double A = -3.0, B = 0.9, C = 0.6;

    public static double ForHit(double fusedScore, int channelsFound, int channels)
    {
        if (channels <= 0) return 0;
        double perChannel = fusedScore / channels;
        double agreement = channels > 1 ? (double)(channelsFound - 1) / (channels - 1) : 0;
        double x = A + B * perChannel + C * agreement;
        return Math.Round(1 / (1 + Math.Exp(-x)), 4);
    }

    public static double ForResults(IReadOnlyList<SearchHit> hits) =>
        hits.Count == 0 ? 0 : hits.Max(h => h.Confidence ?? 0);
}
