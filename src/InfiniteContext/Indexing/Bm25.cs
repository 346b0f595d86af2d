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
    /// The largest <see cref="Term"/> any posting with tf &lt;= <paramref name="maxTf"/> and length &gt;= <paramref name="minLength"/>
    /// can score: the score grows with tf and shrinks with length when k1 &gt;= 0 and 0 &lt;= b &lt;= 1 (see <see cref="Monotone"/>).
    /// Callers add slack for rounding.
    /// </summary>
    public static double Bound(double weight, int maxTf, int minLength, double k1, double b, double avgdl) =>
        Term(weight, maxTf, minLength, k1, b, avgdl);

    /// <summary>Whether the parameters keep the score monotone in tf and length, which bounds need.</summary>
    public static bool Monotone(double k1, double b) => k1 >= 0 && b >= 0 && b <= 1 && double.IsFinite(k1);
}
