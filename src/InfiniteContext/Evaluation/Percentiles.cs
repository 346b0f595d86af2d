namespace InfiniteContext.Evaluation;

/// <summary>Nearest-rank percentiles of latencies, rounded to microseconds: what the eval tables print.</summary>
internal static class Percentiles
{
    /// <summary><paramref name="sorted"/> must be ascending; 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 3);
}
