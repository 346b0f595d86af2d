namespace InfiniteContext.Evaluation;

/// <summary>
/// Result-set confidences for the same questions asked where the answer is (own) and where it is not (foreign):
/// the AUC (Mann-Whitney: the chance an own confidence exceeds a foreign one, ties counting half), the medians,
/// and at each threshold the share of own result sets at or above it against the share of foreign ones.
/// </summary>
public sealed record NotInMemoryScore(int Questions, double Auc, double OwnMedian, double ForeignMedian, IReadOnlyList<ConfidenceThreshold> Thresholds)
{
    public static readonly double[] At = [0.1, 0.2, 0.3, 0.5];

    public static NotInMemoryScore Of(IReadOnlyList<double> own, IReadOnlyList<double> foreign)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(foreign);
        if (own.Count == 0 || foreign.Count == 0) throw new ArgumentException("Both sides need at least one confidence.");
        var sortedForeign = foreign.Order().ToArray();
        double wins = 0;
        foreach (double o in own)
        {
            int below = LowerBound(sortedForeign, o);
            int notAbove = UpperBound(sortedForeign, o);
            wins += below + 0.5 * (notAbove - below);
        }
        double auc = wins / ((double)own.Count * foreign.Count);
        var thresholds = At.Select(t => new ConfidenceThreshold(t,
            Math.Round(own.Count(c => c >= t) / (double)own.Count, 3),
            Math.Round(foreign.Count(c => c >= t) / (double)foreign.Count, 3))).ToList();
        return new NotInMemoryScore(own.Count, Math.Round(auc, 3), Median(own), Median(foreign), thresholds);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return Math.Round(sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, 4);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>Share of own and of foreign result sets whose confidence is at least <see cref="Confidence"/>.</summary>
public sealed record ConfidenceThreshold(double Confidence, double OwnAtOrAbove, double ForeignAtOrAbove);
