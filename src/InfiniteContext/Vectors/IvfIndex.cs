using System.Numerics.Tensors;

namespace InfiniteContext.Vectors;

/// <summary>
/// The approximate index of a <see cref="VectorStore"/>: an inverted file (IVF). A spherical k-means
/// partition of the vectors into about sqrt(n) lists; a query ranks the list centroids, scores the members of the best
/// few lists on their projected codes (<see cref="PrincipalProjection"/>, a third of the bytes) and ranks the best of
/// those by their full codes, as the projected scan does over every row; filters (streams, allowed seqs) apply row by
/// row as in the full scan. Each list keeps its own copy of its members' row, seq, stream and projected code
/// (the stray list below: full code, scored exactly), contiguous, so a probe is a sequential scan (reading members scattered through the store's row arrays instead cost
/// about 5x per vector in cache misses); the price is a second copy of the projected codes in memory. On the needle
/// haystack's vectors, recall@10 0.95 against exact took reading a third to a half of the rows (docs/BENCHMARKS.md),
/// so lists of full codes cost more than the projected scan of every row; lists of projected codes cost a third of
/// that. Appending a vector costs one dot product per list; training happens only at fixed sizes
/// (<see cref="TrainingSize"/>), on the first rows, so an index caught up append by append equals one rebuilt from the
/// same vectors.
/// <para>
/// A vector far from every centroid is the one probing misses: a query close to it need not be close to its centroid,
/// so that list need not be among the query's best. Such vectors (cosine to their nearest centroid below
/// <see cref="StrayBelow"/>, the <see cref="StrayShare"/> quantile of the training points' own) go to one more list,
/// the stray list, that every query scans. Text unlike what the centroids were trained on (short templated facts among
/// long paragraphs, a new kind of content) lands there instead of being lost in a list no query probes; retraining at
/// the next size folds it into the centroids.
/// </para>
/// </summary>
internal sealed class IvfIndex
{
    private const int Iterations = 10;
    private const int SamplesPerList = 64; // k-means sees at most this many points per centroid

    /// <summary>The share of the training points that would fall below the stray threshold: in-distribution vectors in the stray list.</summary>
    public const double StrayShare = 0.01;

    private readonly int _dims;
    private readonly float[] _centroids;
    private readonly sbyte[] _codes;   // centroids as int8 codes: assignment and probing use the same integer dot as the scan
    private readonly float[] _scales;
    private readonly InvertedList[] _members;

    public IvfIndex(int dims, int trainedCount, float[] centroids, float strayBelow)
    {
        _dims = dims;
        TrainedCount = trainedCount;
        StrayBelow = strayBelow;
        ListCount = centroids.Length / dims;
        _centroids = centroids;
        _codes = new sbyte[centroids.Length];
        _scales = new float[ListCount];
        for (int c = 0; c < ListCount; c++)
            _scales[c] = Int8VectorCodec.Encode(centroids.AsSpan(c * dims, dims), _codes.AsSpan(c * dims, dims));
        _members = new InvertedList[ListCount + 1];
        for (int c = 0; c <= ListCount; c++) _members[c] = new InvertedList();
    }

    /// <summary>Lists with a centroid; list <see cref="StrayList"/> (= ListCount) holds the vectors near none of them.</summary>
    public int ListCount { get; }

    /// <summary>The id of the list every query scans: vectors whose best centroid cosine is below <see cref="StrayBelow"/>.</summary>
    public int StrayList => ListCount;

    /// <summary>Cosine to the nearest centroid under which a vector is a stray.</summary>
    public float StrayBelow { get; }

    /// <summary>How many vectors (the first rows of the store) the centroids were trained on.</summary>
    public int TrainedCount { get; }

    public ReadOnlySpan<float> Centroids => _centroids;

    /// <summary>
    /// The training size a store of <paramref name="count"/> vectors calls for: <paramref name="from"/> x 4^k, the largest
    /// not above count (0 below <paramref name="from"/>). Retraining at 4x steps keeps lists near sqrt(n) long at an
    /// amortized cost per append that does not grow with the store.
    /// </summary>
    public static int TrainingSize(int count, int from)
    {
        if (from <= 0 || count < from) return 0;
        long size = from;
        while (size * 4 <= count) size *= 4;
        return (int)size;
    }

    public static int ListsFor(int trainingSize) => Math.Min(trainingSize, Math.Clamp((int)Math.Round(Math.Sqrt(trainingSize)), 8, 16_384));

    /// <summary>
    /// Trains on the first <paramref name="trainingSize"/> vectors (an even sample of them when there are many);
    /// <paramref name="lists"/> other than <see cref="ListsFor"/> only to measure what another partition would do.
    /// </summary>
    public static IvfIndex Train(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> scales, int dims, int trainingSize, int? lists = null)
    {
        int listCount = lists ?? ListsFor(trainingSize);
        int samples = (int)Math.Min(trainingSize, (long)listCount * SamplesPerList);
        var points = new float[(long)samples * dims];
        for (int i = 0; i < samples; i++)
        {
            int row = (int)((long)i * trainingSize / samples);
            var p = points.AsSpan(i * dims, dims);
            Int8VectorCodec.Decode(codes.Slice(row * dims, dims), scales[row], p);
            float norm = TensorPrimitives.Norm(p);
            if (norm > 0) TensorPrimitives.Divide(p, norm, p);
        }
        var centroids = SphericalKMeans.Train(points, samples, dims, listCount, Iterations);
        return new IvfIndex(dims, trainingSize, centroids, StrayThreshold(points, samples, centroids, dims, listCount));
    }

    /// <summary>The <see cref="StrayShare"/> quantile of the training points' cosines to their nearest centroid.</summary>
    private static float StrayThreshold(float[] points, int count, float[] centroids, int dims, int lists)
    {
        var nearest = new float[count];
        Parallel.For(0, count, i =>
        {
            var p = points.AsSpan(i * dims, dims);
            float best = float.NegativeInfinity;
            for (int c = 0; c < lists; c++) best = Math.Max(best, TensorPrimitives.Dot(p, centroids.AsSpan(c * dims, dims)));
            nearest[i] = best;
        });
        Array.Sort(nearest);
        return nearest[(int)Math.Floor(StrayShare * (count - 1))];
    }

    /// <summary>
    /// The list a vector belongs to: the centroid with the largest dot product, ties to the lower id; or the stray list
    /// when even that centroid's cosine with the vector (whatever its length) is below <see cref="StrayBelow"/>. The scale is signed (old files may hold a
    /// negative one with negated codes), so the cosine is taken with it.
    /// </summary>
    public int Assign(ReadOnlySpan<sbyte> code, float scale)
    {
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int c = 0; c < ListCount; c++)
        {
            float s = Int8VectorCodec.Dot(code, _codes.AsSpan(c * _dims, _dims)) * _scales[c];
            if (scale < 0) s = -s;
            if (s > bestScore)
            {
                bestScore = s;
                best = c;
            }
        }
        // A cosine, not the dot product: the threshold comes from unit training points, and rows need not be unit
        // (a part's blend of two unit vectors is shorter); compared as a dot, most blends fell in the stray list.
        int self = Int8VectorCodec.Dot(code, code);
        return self == 0 || bestScore / MathF.Sqrt(self) < StrayBelow ? StrayList : best;
    }

    /// <summary>Assigns rows [from, to) of <paramref name="codes"/> into <paramref name="lists"/>, in parallel (each row independently).</summary>
    public void AssignRange(sbyte[] codes, float[] scales, int from, int to, int[] lists)
    {
        const int chunk = 512;
        if (to - from <= chunk)
        {
            for (int r = from; r < to; r++) lists[r] = Assign(codes.AsSpan(r * _dims, _dims), scales[r]);
            return;
        }
        Parallel.For(0, (to - from + chunk - 1) / chunk, block =>
        {
            int end = Math.Min(to, from + (block + 1) * chunk);
            for (int r = from + block * chunk; r < end; r++) lists[r] = Assign(codes.AsSpan(r * _dims, _dims), scales[r]);
        });
    }

    /// <summary>
    /// Files row <paramref name="row"/> in a list, after the members already there: its projected code, or in the stray
    /// list its full code. A stray is near no centroid, that is unlike what the index was trained on, and the projection
    /// was trained on the same rows, so its projected code keeps little of it: strays are scored exactly.
    /// </summary>
    public void Add(int list, int row, long seq, int stream, float scale, ReadOnlySpan<sbyte> code, float projectedScale, ReadOnlySpan<sbyte> projected)
    {
        if (list == StrayList) _members[list].Add(row, seq, stream, scale, code);
        else _members[list].Add(row, seq, stream, projectedScale, projected);
    }

    /// <summary>
    /// Rebuilds every list from the store's rows, their list ids, their full codes and their projected codes
    /// (<paramref name="rank"/> per row): after training, after the projection is recomputed, or after the store
    /// compacted its rows.
    /// </summary>
    public void Reset(ReadOnlySpan<int> lists, ReadOnlySpan<long> seqs, ReadOnlySpan<int> streams, ReadOnlySpan<float> scales, ReadOnlySpan<sbyte> codes,
        ReadOnlySpan<float> projectedScales, ReadOnlySpan<sbyte> projected, int rank)
    {
        var sizes = new int[ListCount + 1];
        foreach (int l in lists) sizes[l]++;
        for (int c = 0; c <= ListCount; c++) _members[c].Clear(sizes[c], c == StrayList ? _dims : rank);
        for (int r = 0; r < lists.Length; r++)
            Add(lists[r], r, seqs[r], streams[r], scales[r], codes.Slice(r * _dims, _dims), projectedScales[r], projected.Slice(r * rank, rank));
    }

    public InvertedList Members(int list) => _members[list];

    /// <summary>Writes the ids of the <paramref name="chosen"/>.Length lists whose centroids best match the query (best first, ties to the lower id).</summary>
    public void Probe(ReadOnlySpan<sbyte> query, float queryScale, Span<int> chosen)
    {
        float sign = queryScale < 0 ? -1 : 1;
        var heap = new PriorityQueue<int, (float Score, int Negated)>(chosen.Length + 1);
        for (int c = 0; c < ListCount; c++)
        {
            var key = (sign * Int8VectorCodec.Dot(query, _codes.AsSpan(c * _dims, _dims)) * _scales[c], -c);
            if (heap.Count < chosen.Length) heap.Enqueue(c, key);
            else if (heap.TryPeek(out _, out var min) && (key.Item1 > min.Score || (key.Item1 == min.Score && key.Item2 > min.Negated))) heap.EnqueueDequeue(c, key);
        }
        for (int i = heap.Count - 1; i >= 0; i--) chosen[i] = heap.Dequeue();
    }

    /// <summary>The members of one list, in the order they were added (row order): row, seq, stream and code (projected, or full in the stray list).</summary>
    internal sealed class InvertedList
    {
        private int _rank;

        public int[] Rows { get; private set; } = new int[8];
        public long[] Seqs { get; private set; } = new long[8];
        public int[] Streams { get; private set; } = new int[8];
        public float[] Scales { get; private set; } = new float[8];
        public sbyte[] Codes { get; private set; } = [];
        public int Count { get; private set; }

        /// <summary>Empties the list for about <paramref name="capacity"/> members of codes <paramref name="rank"/> long.</summary>
        public void Clear(int capacity, int rank)
        {
            Count = 0;
            if (rank != _rank)
            {
                _rank = rank;
                Codes = new sbyte[Rows.Length * rank];
            }
            if (capacity > Rows.Length || capacity < Rows.Length / 4) Resize(Math.Max(8, capacity));
        }

        public void Add(int row, long seq, int stream, float scale, ReadOnlySpan<sbyte> code)
        {
            if (code.Length != _rank) throw new ArgumentException($"A code of {code.Length} values in a list of {_rank}.", nameof(code));
            if (Count == Rows.Length) Resize(Count * 2);
            Rows[Count] = row;
            Seqs[Count] = seq;
            Streams[Count] = stream;
            Scales[Count] = scale;
            code.CopyTo(Codes.AsSpan(Count * _rank, _rank));
            Count++;
        }

        private void Resize(int capacity)
        {
            var rows = Rows;
            var seqs = Seqs;
            var streams = Streams;
            var scales = Scales;
            var codes = Codes;
            Array.Resize(ref rows, capacity);
            Array.Resize(ref seqs, capacity);
            Array.Resize(ref streams, capacity);
            Array.Resize(ref scales, capacity);
            Array.Resize(ref codes, capacity * _rank);
            (Rows, Seqs, Streams, Scales, Codes) = (rows, seqs, streams, scales, codes);
        }
    }
}
