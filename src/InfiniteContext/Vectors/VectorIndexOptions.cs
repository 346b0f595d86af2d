namespace InfiniteContext.Vectors;

/// <summary>
/// How the vector store answers a search as it grows: the exact scan, then the projected scan, then its approximate
/// index (IVF), and how hard each works. The defaults are measured (docs/BENCHMARKS.md, "Vector index: exact vs
/// approximate" and "Vector index: the projected scan").
/// </summary>
public sealed record VectorIndexOptions
{
    /// <summary>
    /// The approximate index is trained once the store holds this many vectors, and a query uses it when the
    /// vectors it may match (after stream and seq filters) are at least this many; below, the exact or projected
    /// scan answers, exactly or nearly so. 0 turns the approximate index off.
    /// </summary>
    public int ApproximateFrom { get; init; } = 100_000;

    /// <summary>
    /// From this many vectors (matching a query's filters) a search first scores every row on its projected code
    /// (<see cref="PrincipalProjection"/>: 128 of 384 directions, a third of the bytes) and ranks only the best
    /// <see cref="RescoreFactor"/> x top by their full codes; the directions are computed once the store holds this many
    /// vectors (again at 4x steps). Below, the full scan costs at most about 2.5 ms (32,768 real 384-dim vectors: 2.4-2.6 ms
    /// single-threaded, the projected scan 1.0-1.5) and is exact. 0 turns it off.
    /// </summary>
    public int ProjectFrom { get; init; } = 32_768;

    /// <summary>Rows ranked by their full codes per row asked for, after the projected first pass.</summary>
    public int RescoreFactor { get; init; } = 8;

    /// <summary>
    /// At most this many rows ranked by their full codes (never fewer than asked for): each is a cache miss, so the
    /// sentence views' 800-row searches would pay more for their window than for the first pass.
    /// </summary>
    public int RescoreLimit { get; init; } = 2_048;

    /// <summary>
    /// Lists scanned per unfiltered query of the entry vectors: ProbeFactor x sqrt(lists), rounded up (an index of n
    /// vectors has about sqrt(n) lists, so a query scans about ProbeFactor x n^(3/4) vectors). A filter that passes a
    /// share f of the vectors scans 1/f times as many lists. 3 since 2026-12-03 (2 before): on the needle haystack's
    /// near-tied prose the dense channel's recall@10 against exact was 0.936 with 2 and 0.956 with 3 (docs/BENCHMARKS.md,
    /// "Timings", 2026-12-03).
    /// </summary>
    public double ProbeFactor { get; init; } = 3.0;

    /// <summary>
    /// The same for the sentence views' rows (<see cref="PartVectors"/>): fewer lists suffice there, because an entry
    /// is found by the best of its rows and its own vector is searched as well (with 2, the dense channel's recall@10
    /// against exact was 0.991 on the 10M needle store, where these rows are on their index and the entry vectors exact).
    /// </summary>
    public double PartProbeFactor { get; init; } = 2.0;

    internal int ProbesFor(int lists) => (int)Math.Ceiling(Math.Max(0.01, ProbeFactor) * Math.Sqrt(lists));

    public static VectorIndexOptions Default { get; } = new();

    /// <summary>Exact scans only (neither the index nor the projection is built or read).</summary>
    public static VectorIndexOptions ExactOnly { get; } = new() { ApproximateFrom = 0, ProjectFrom = 0 };
}
