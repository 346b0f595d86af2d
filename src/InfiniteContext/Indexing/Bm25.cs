namespace InfiniteContext.Indexing;

/// <summary>
/// The BM25 term score, in one place so exhaustive and pruned search compute bit-identical numbers, and its
/// upper bound over a list or block of postings.
/// </summary>
internal static class Bm25
{
    /// <summary>log(1 + (N - df + 0.5) / (df + 0.5)): positive for every df /// <summary>idf as BM25+ style smoothing keeps it positive: log(1 + (N - df + 0.5) / (df + 0.5)).</summary>lt;= N.</summary>
    public static double Idf(long n, long df) => Math.Log(1 + (n - df + 0.5) / (df + 0.5));

    /// <summary>One term's contribution to one document: weight = idf * qtf * (k1 + 1).</summary>
    public static double Term(double weight, double tf, int length, double k1, double b, double avgdl) =>
        weight * tf / (tf + k1 * (1 - b + b * length / avgdl));

    /// <summary>
    /// The largest <see cref="Term"/> any posting with tf &lt;= <paramref name="maxTf"/> and length / tf &gt;= <paramref name="minLengthPerTf"/>
    /// can score. Term = weight / (1 + k1(1-b) / tf + k1 b (length / tf) / avgdl): with k1 &gt;= 0 and 0 &lt;= b &lt;= 1
    /// (<see cref="Monotone"/>) both fractions are non-negative, so the largest tf and the smallest length-per-tf of a
    /// list or block bound every posting in it, for any avgdl. Length-per-tf is tighter than pairing the largest tf
    /// with the shortest document, which may be different postings. Callers add slack for rounding.
    /// </summary>
    public static double Bound(double weight, int maxTf, float minLengthPerTf, double k1, double b, double avgdl) =>
        maxTf <= 0 ? 0 : weight / (1 + k1 * (1 - b) / maxTf + k1 * b * minLengthPerTf / avgdl);

    /// <summary>length / tf as a float rounded down, so a stored bound never overstates it.</summary>
    public static float LengthPerTf(int length, int tf)
    {
        double exact = (double)length / tf;
        float f = (float)exact;
        return f > exact ? MathF.BitDecrement(f) : f;
    }

    /// <summary>Whether the parameters keep the score monotone in tf and length, which bounds need.</summary>
    public static bool Monotone(double k1, double b) => k1 >= 0 && b >= 0 && b <= 1 && double.IsFinite(k1);
}
