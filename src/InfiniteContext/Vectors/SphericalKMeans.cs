using System.Numerics.Tensors;

namespace InfiniteContext.Vectors;

/// <summary>
/// Lloyd's k-means on the unit sphere (assign by largest dot product, centroid = normalized mean), the
/// coarse quantizer of <see cref="IvfIndex"/>. Deterministic for the same input: a fixed seed picks the
/// starting points, each point's assignment is computed independently (so the parallel loop cannot change
/// it), sums run in point order, and ties go to the lower centroid id.
/// </summary>
internal static class SphericalKMeans
{
    private const int Seed = 0x1F5;

    /// <summary>Returns <paramref name="k"/> unit centroids (k x dims, row-major) for the <paramref name="count"/> unit points in <paramref name="points"/>.</summary>
    public static float[] Train(float[] points, int count, int dims, int k, int iterations)
    {
        if (count < k) throw new ArgumentException($"{count} points cannot seed {k} centroids.", nameof(count));
        var centroids = new float[k * dims];
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(Seed);
        for (int c = 0; c < k; c++)
        {
            int pick = c + random.Next(count - c); // partial Fisher-Yates: k distinct points
            (order[c], order[pick]) = (order[pick], order[c]);
            points.AsSpan(order[c] * dims, dims).CopyTo(centroids.AsSpan(c * dims, dims));
        }

        var assigned = new int[count];
        var similarity = new float[count];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            AssignAll(points, count, centroids, k, dims, assigned, similarity);
            var sums = new float[k * dims];
            var sizes = new int[k];
            for (int i = 0; i < count; i++)
            {
                int c = assigned[i];
                sizes[c]++;
                TensorPrimitives.Add(sums.AsSpan(c * dims, dims), points.AsSpan(i * dims, dims), sums.AsSpan(c * dims, dims));
            }
            // An empty centroid restarts at the worst-served points, so no list stays dead.
            int[]? worst = null;
            int nextWorst = 0;
            for (int c = 0; c < k; c++)
            {
                var sum = sums.AsSpan(c * dims, dims);
                if (sizes[c] == 0)
                {
                    worst ??= Enumerable.Range(0, count).OrderBy(i => similarity[i]).ThenBy(i => i).ToArray();
                    points.AsSpan(worst[nextWorst++ % count] * dims, dims).CopyTo(sum);
                }
                float norm = TensorPrimitives.Norm(sum);
                if (norm > 0) TensorPrimitives.Divide(sum, norm, sum);
            }
            centroids = sums;
        }
        return centroids;
    }

    private static void AssignAll(float[] points, int count, float[] centroids, int k, int dims, int[] assigned, float[] similarity)
    {
        const int chunk = 256;
        Parallel.For(0, (count + chunk - 1) / chunk, block =>
        {
            int end = Math.Min(count, (block + 1) * chunk);
            for (int i = block * chunk; i < end; i++)
            {
                var p = points.AsSpan(i * dims, dims);
                int best = 0;
                float bestScore = float.NegativeInfinity;
                for (int c = 0; c < k; c++)
                {
                    float s = TensorPrimitives.Dot(p, centroids.AsSpan(c * dims, dims));
                    if (s > bestScore)
                    {
                        bestScore = s;
                        best = c;
                    }
                }
                assigned[i] = best;
                similarity[i] = bestScore;
            }
        });
    }
}
