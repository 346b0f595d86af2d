using System.Numerics.Tensors;

namespace InfiniteContext.Vectors;

/// <summary>
/// The leading principal directions of a vector store's rows: the short code a search scores every row on first
/// (<see cref="VectorStore"/>'s projected scan). A row's code is its centered vector projected on the first
/// <see cref="Rank"/> directions (128 of 384), int8 with a scale, a third of the bytes of its full code; the best
/// <see cref="VectorIndexOptions.RescoreFactor"/> x top rows by that score are then ranked by their full codes.
/// <para>
/// Why this and not the partitions of <see cref="IvfIndex"/>: on prose whose rows all sit at nearly the same cosine to a
/// question, no partition holds a query's top 10 (the needle haystack's part rows: recall@10 0.73 against exact with a
/// tenth of the rows read, 0.85 with a quarter), while a scan of every row on its projection misses almost nothing
/// (0.99 with the best 8 x top rescored): sentence embeddings keep most of their variance in a few directions (83% in
/// 128 of 384 there), and the score a dropped direction would add is nearly the same for every row near the top.
/// </para>
/// <para>
/// The query is not centered: q.x = q.mean + q.(x - mean), the first term is the same for every row, so ranking by the
/// projection of q.(x - mean) ranks as q.x does up to what the dropped directions carry. Deterministic for the same rows:
/// a fixed seed starts the subspace iteration and every sum runs in a fixed order.
/// </para>
/// </summary>
internal sealed class PrincipalProjection
{
    private const int MaxSamples = 20_000;
    private const int Iterations = 40;
    private const int Seed = 0x5CA1E;

    private readonly float[] _mean;
    private readonly float[] _basis;      // Rank x Dims, orthonormal rows
    private readonly float[] _basisMean;  // basis . mean: a row's projection is basis . x minus this

    public PrincipalProjection(int dims, int rank, int trainedCount, float[] mean, float[] basis)
    {
        if (mean.Length != dims || basis.Length != rank * dims) throw new ArgumentException("Mean or basis does not match the dimensions.");
        Dims = dims;
        Rank = rank;
        TrainedCount = trainedCount;
        _mean = mean;
        _basis = basis;
        _basisMean = new float[rank];
        for (int j = 0; j < rank; j++) _basisMean[j] = TensorPrimitives.Dot(basis.AsSpan(j * dims, dims), mean);
    }

    public int Dims { get; }

    /// <summary>Directions kept: the length of a projected code.</summary>
    public int Rank { get; }

    /// <summary>How many rows (the first of the store) the directions were computed from.</summary>
    public int TrainedCount { get; }

    public ReadOnlySpan<float> Mean => _mean;

    public ReadOnlySpan<float> Basis => _basis;

    /// <summary>A third of the dimensions, in whole 32-byte steps of the integer dot (128 for 384).</summary>
    public static int RankFor(int dims) => Math.Min(dims, Math.Max(32, (dims / 3 + 31) / 32 * 32));

    /// <summary>
    /// Computes the directions from the first <paramref name="trainingSize"/> rows (an even sample of at most 20,000);
    /// <paramref name="rank"/> other than <see cref="RankFor"/> only to measure what another length would do.
    /// </summary>
    public static PrincipalProjection Train(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> scales, int dims, int trainingSize, int? rank = null)
    {
        int kept = rank ?? RankFor(dims);
        int samples = Math.Min(trainingSize, MaxSamples);
        // Column-major (dims x samples), so each covariance cell is one contiguous dot product.
        var columns = new float[(long)dims * samples];
        var row = new float[dims];
        for (int i = 0; i < samples; i++)
        {
            int r = (int)((long)i * trainingSize / samples);
            Int8VectorCodec.Decode(codes.Slice(r * dims, dims), scales[r], row);
            for (int d = 0; d < dims; d++) columns[(long)d * samples + i] = row[d];
        }
        var mean = new float[dims];
        for (int d = 0; d < dims; d++)
        {
            var column = columns.AsSpan((int)((long)d * samples), samples);
            mean[d] = TensorPrimitives.Sum(column) / samples;
            TensorPrimitives.Subtract(column, mean[d], column);
        }
        var covariance = new float[dims * dims];
        Parallel.For(0, dims, a =>
        {
            var ca = columns.AsSpan((int)((long)a * samples), samples);
            for (int b = a; b < dims; b++)
            {
                float c = TensorPrimitives.Dot(ca, columns.AsSpan((int)((long)b * samples), samples)) / samples;
                covariance[a * dims + b] = c;
                covariance[b * dims + a] = c;
            }
        });
        return new PrincipalProjection(dims, kept, trainingSize, mean, LeadingEigenvectors(covariance, dims, kept));
    }

    /// <summary>Subspace iteration: multiply a block of vectors by the covariance and re-orthonormalize, until it spans the leading eigenvectors.</summary>
    private static float[] LeadingEigenvectors(float[] covariance, int dims, int rank)
    {
        var random = new Random(Seed);
        var basis = new float[rank * dims];
        for (int i = 0; i < basis.Length; i++) basis[i] = (float)(random.NextDouble() - 0.5);
        Orthonormalize(basis, dims, rank);
        var next = new float[rank * dims];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var from = basis;
            var to = next;
            Parallel.For(0, rank, j =>
            {
                var v = from.AsSpan(j * dims, dims);
                for (int a = 0; a < dims; a++) to[j * dims + a] = TensorPrimitives.Dot(covariance.AsSpan(a * dims, dims), v);
            });
            Orthonormalize(next, dims, rank);
            (basis, next) = (next, basis);
        }
        return basis;
    }

    /// <summary>Modified Gram-Schmidt over the rows, in order (a row that collapses restarts on a unit axis).</summary>
    private static void Orthonormalize(float[] rows, int dims, int rank)
    {
        for (int j = 0; j < rank; j++)
        {
            var v = rows.AsSpan(j * dims, dims);
            for (int p = 0; p < j; p++)
            {
                var u = rows.AsSpan(p * dims, dims);
                TensorPrimitives.MultiplyAdd(u, -TensorPrimitives.Dot(v, u), v, v);
            }
            float norm = TensorPrimitives.Norm(v);
            if (norm < 1e-20f)
            {
                v.Clear();
                v[j % dims] = 1;
                for (int p = 0; p < j; p++)
                {
                    var u = rows.AsSpan(p * dims, dims);
                    TensorPrimitives.MultiplyAdd(u, -TensorPrimitives.Dot(v, u), v, v);
                }
                norm = TensorPrimitives.Norm(v);
            }
            TensorPrimitives.Divide(v, norm, v);
        }
    }

    /// <summary>A stored row's projected code (its centered vector on the directions), int8; returns the code's scale.</summary>
    public float ProjectRow(ReadOnlySpan<sbyte> code, float scale, Span<float> vectorBuffer, Span<float> projectionBuffer, Span<sbyte> projected)
    {
        Int8VectorCodec.Decode(code, scale, vectorBuffer);
        for (int j = 0; j < Rank; j++) projectionBuffer[j] = TensorPrimitives.Dot(_basis.AsSpan(j * Dims, Dims), vectorBuffer) - _basisMean[j];
        return Int8VectorCodec.Encode(projectionBuffer[..Rank], projected);
    }

    /// <summary>
    /// The share of a row's centered vector (its squared length) that its projected code keeps: near the mean share (83%
    /// on the needle haystack's rows) for rows like those the directions came from, small for content unlike them, whose
    /// projected codes then cannot tell its rows apart.
    /// </summary>
    public float Kept(ReadOnlySpan<sbyte> code, float scale, ReadOnlySpan<sbyte> projected, float projectedScale, Span<float> vectorBuffer)
    {
        Int8VectorCodec.Decode(code, scale, vectorBuffer);
        TensorPrimitives.Subtract(vectorBuffer, _mean, vectorBuffer);
        float total = TensorPrimitives.Dot(vectorBuffer, vectorBuffer);
        if (total <= 0) return 1;
        int kept = Int8VectorCodec.Dot(projected, projected);
        return kept * projectedScale * projectedScale / total;
    }

    /// <summary>
    /// The <paramref name="share"/> quantile of the rows' <see cref="Kept"/> shares (<paramref name="kept"/>, one per row
    /// of the store) over the rows the directions were computed from (the same even sample of the first
    /// <see cref="TrainedCount"/> rows, or of all rows when forgetting has left fewer): rows below it are the ones to
    /// score exactly.
    /// </summary>
    public float KeptQuantile(ReadOnlySpan<float> kept, double share)
    {
        int from = Math.Min(TrainedCount, kept.Length);
        if (from == 0) return 0;
        int samples = Math.Min(from, MaxSamples);
        var sampled = new float[samples];
        for (int i = 0; i < samples; i++) sampled[i] = kept[(int)((long)i * from / samples)];
        Array.Sort(sampled);
        return sampled[(int)Math.Floor(share * (samples - 1))];
    }

    /// <summary>A query's projected code: not centered (the mean's share of its score is the same for every row).</summary>
    public float ProjectQuery(ReadOnlySpan<float> query, Span<sbyte> projected)
    {
        Span<float> p = Rank <= 512 ? stackalloc float[Rank] : new float[Rank];
        for (int j = 0; j < Rank; j++) p[j] = TensorPrimitives.Dot(_basis.AsSpan(j * Dims, Dims), query);
        return Int8VectorCodec.Encode(p, projected);
    }

    /// <summary>Projects rows [from, to) of <paramref name="codes"/> into <paramref name="projected"/> (Rank bytes a row) and their scales, in parallel.</summary>
    public void ProjectRange(sbyte[] codes, float[] scales, int from, int to, sbyte[] projected, float[] projectedScales)
    {
        const int chunk = 256;
        if (to - from <= chunk)
        {
            var (vector, projection) = (new float[Dims], new float[Rank]);
            for (int r = from; r < to; r++)
                projectedScales[r] = ProjectRow(codes.AsSpan(r * Dims, Dims), scales[r], vector, projection, projected.AsSpan(r * Rank, Rank));
            return;
        }
        Parallel.For(0, (to - from + chunk - 1) / chunk, () => (new float[Dims], new float[Rank]), (block, _, buffers) =>
        {
            int end = Math.Min(to, from + (block + 1) * chunk);
            for (int r = from + block * chunk; r < end; r++)
                projectedScales[r] = ProjectRow(codes.AsSpan(r * Dims, Dims), scales[r], buffers.Item1, buffers.Item2, projected.AsSpan(r * Rank, Rank));
            return buffers;
        }, _ => { });
    }
}
