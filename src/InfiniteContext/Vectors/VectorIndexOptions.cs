namespace InfiniteContext.Vectors;

/// <summary>
/// How the vector store answers a search as it grows: the exact scan, then the projected scan, then its approximate
/// index (IVF over the same projected codes), and how hard each works. The defaults are measured (docs/BENCHMARKS.md,
/// "Vector index: the projected scan" and "Vector index: where IVF starts").
/// </summary>
public sealed record VectorIndexOptions
{
    /// <summary>
    /// The approximate index is trained once the store holds this many vectors, and a query uses it when the
    /// vectors it may match (after stream and seq filters) are at least this many; below, the exact or projected
    /// scan answers, exactly or nearly so. 0 turns the approximate index off. 1,048,576 since 2026-12-03 (100,000
    /// before): on the needle haystack's real vectors the index needed a third to half of its lists for recall@10 0.95
    /// against exact, and at that the projected scan of every row cost no more up to the largest files measured
    /// (308,093 entry vectors, 687,885 part rows) while missing less (recall@10 0.984-0.995).
    /// </summary>
    public int ApproximateFrom { get; init; } = 1_048_576;

    /// <summary>
    /// From this many vectors (matching a query's filters) a search first scores every row on its projected code
    /// (<see cref="PrincipalProjection"/>: 128 of 384 directions, a third of the bytes) and ranks only the best
    /// <see cref="RescoreFactor"/> x top by their full codes; the directions are computed once the store holds this many
    /// vectors (again at 4x steps). Below, the full scan costs at most about 2.5 ms (32,768 real 384-dim vectors: 2.4-2.6 ms
    /// single-threaded, the projected scan 1.0-1.5) and is exact. 0 turns the projected scan off (the projection is then
    /// still computed from <see cref="ApproximateFrom"/>, for the approximate index's lists).
    /// </summary>
    public int ProjectFrom { get; init; } = 32_768;

    /// <summary>Rows ranked by their full codes per row asked for, after the projected first pass.</summary>
    public int RescoreFactor { get; init; } = 8;

    /// <summary>
    /// At most this many rows ranked by their full codes (never fewer than asked for): each is a cache miss, so the
    /// sentence views' 800-row searches would pay more for their window than for the first pass. 1,024 since 2026-12-03
    /// (2,048 before): on the 10M-token needle store's 195,937 part rows recall@10 against exact 0.987 against 0.995, for
    /// 0.4 ms less a query on a quiet machine.
    /// </summary>
    public int RescoreLimit { get; init; } = 1_024;

    /// <summary>
    /// Lists scanned per unfiltered query of the entry vectors: ProbeFactor x sqrt(lists), rounded up (an index of n
    /// vectors has about sqrt(n) lists, so a query scans about ProbeFactor x n^(3/4) vectors). A filter that passes a
    /// share f of the vectors scans 1/f times as many lists. 9 since 2026-12-03 (3 before, 2 until that morning): on
    /// the 35M-token needle store's 308,093 entry vectors, recall@10 against exact with 512 lists 0.944 with 6 and 0.971
    /// with 8, and with the 1,024 lists the index starts with, 0.951 with 8 and 0.962 with 9 (docs/BENCHMARKS.md,
    /// "Vector index: where IVF starts"). Recall at a fixed factor falls slowly as lists grow.
    /// </summary>
    public double ProbeFactor { get; init; } = 9.0;

    /// <summary>
    /// The same for the sentence views' rows (<see cref="PartVectors"/>), asked for 800 rows at a time among
    /// near-tied sentences: 12 (2 before 2026-12-03); on the 35M-token store's 687,885 part rows, recall@10 against
    /// exact with 632 lists 0.940 with 8 and 0.961 with 10, with 1,024 lists 0.944 with 10, 0.956 with 11 and 0.966 with 12.
    /// </summary>
    public double PartProbeFactor { get; init; } = 12.0;

    internal int ProbesFor(int lists) => (int)Math.Ceiling(Math.Max(0.01, ProbeFactor) * Math.Sqrt(lists));

    public static VectorIndexOptions Default { get; } = new();

    /// <summary>Exact scans only (neither the index nor the projection is built or read).</summary>
    public static VectorIndexOptions ExactOnly { get; } = new() { ApproximateFrom = 0, ProjectFrom = 0 };
}
