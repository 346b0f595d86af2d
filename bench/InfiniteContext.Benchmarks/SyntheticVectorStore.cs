using InfiniteContext.Testing;
using InfiniteContext.Vectors;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// Stores of clustered synthetic 384-dim vectors (<see cref="GaussianMixture"/>, one cluster per 1,000 vectors,
/// spread 1), written once under a cache folder and reopened by every benchmark process after that: generating
/// and fsyncing a million vectors takes longer than the measurements themselves.
/// </summary>
internal static class SyntheticVectorStore
{
    public const int Dimensions = 384;
    public const int PointsPerCluster = 1000;
    private const int Seed = 2026;

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("INFCTX_VECTOR_CACHE") ?? Path.Combine(Path.GetTempPath(), "infctx-ann-cache");

    /// <summary>The path of the vector file for <paramref name="count"/> vectors, created if it is not there yet.</summary>
    public static string Ensure(int count)
    {
        string dir = Path.Combine(CacheDirectory, $"gm-{count}");
        string path = Path.Combine(dir, "vectors.vec");
        string done = Path.Combine(dir, "complete");
        if (File.Exists(done)) return path;
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        using (var store = VectorStore.Open(path, "synthetic", Dimensions, readOnly: false, VectorIndexOptions.ExactOnly))
        {
            var mixture = Mixture(count);
            var random = new Random(Seed);
            var batch = new List<(long, int, ReadOnlyMemory<float>)>(8192);
            for (int i = 0; i < count; i++)
            {
                batch.Add((i + 1, 1 + i % 16, mixture.Sample(random)));
                if (batch.Count == batch.Capacity)
                {
                    store.Append(batch);
                    batch.Clear();
                }
            }
            if (batch.Count > 0) store.Append(batch);
        }
        File.WriteAllText(done, "");
        return path;
    }

    /// <summary>Query vectors from the same mixture as the stored ones (new draws, another seed).</summary>
    public static float[][] Queries(int count, int queries)
    {
        var mixture = Mixture(count);
        var random = new Random(Seed + 1);
        return Enumerable.Range(0, queries).Select(_ => mixture.Sample(random)).ToArray();
    }

    private static GaussianMixture Mixture(int count) => new(Dimensions, Math.Max(8, count / PointsPerCluster), 1f, Seed);

    /// <summary>Opens a private copy of the cached store (the index file it trains stays with the copy's options).</summary>
    public static VectorStore OpenCopy(int count, VectorIndexOptions options, string tag)
    {
        string source = Ensure(count);
        string dir = Path.Combine(CacheDirectory, $"gm-{count}-{tag}");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "vectors.vec");
        if (!File.Exists(path) || new FileInfo(path).Length != new FileInfo(source).Length) File.Copy(source, path, overwrite: true);
        return VectorStore.Open(path, "synthetic", Dimensions, readOnly: false, options);
    }
}
