using System.Numerics.Tensors;

namespace InfiniteContext.Testing;

/// <summary>
/// Clustered synthetic embeddings: unit vectors drawn from a mixture of Gaussians around random unit centres.
/// Each cluster varies mostly inside its own random low-rank subspace (rank 16, spread 1) plus a little noise in
/// every dimension (0.25): point = normalize(centre + spread * B z / sqrt(rank) + noise * g / sqrt(dims)). Real
/// sentence embeddings look like that (a few directions of meaning per topic); isotropic noise in all 384
/// dimensions would instead make every member of a cluster equally far from every other, which no real text
/// collection does and no nearest-neighbour structure survives. Deterministic for a seed.
/// </summary>
public sealed class GaussianMixture
{
    private const int Rank = 16;
    private const float Noise = 0.25f;
    private readonly float[][] _centres;
    private readonly float[][] _bases; // cluster c: Rank unit directions, row-major
    private readonly int _dims;
    private readonly float _spread;

    public GaussianMixture(int dims, int clusters, float spread, int seed)
    {
        _dims = dims;
        _spread = spread;
        var random = new Random(seed);
        _centres = new float[clusters][];
        _bases = new float[clusters][];
        for (int c = 0; c < clusters; c++)
        {
            _centres[c] = UnitGaussian(random, dims);
            _bases[c] = new float[Rank * dims];
            for (int k = 0; k < Rank; k++) UnitGaussian(random, dims).CopyTo(_bases[c], k * dims);
        }
    }

    /// <summary>One unit vector: a cluster picked uniformly, a point of it.</summary>
    public float[] Sample(Random random)
    {
        int c = random.Next(_centres.Length);
        var v = (float[])_centres[c].Clone();
        float along = _spread / MathF.Sqrt(Rank);
        for (int k = 0; k < Rank; k++)
            TensorPrimitives.MultiplyAdd(_bases[c].AsSpan(k * _dims, _dims), along * Normal(random), v, v);
        float sigma = Noise / MathF.Sqrt(_dims);
        for (int d = 0; d < _dims; d++) v[d] += sigma * Normal(random);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float[] UnitGaussian(Random random, int dims)
    {
        var v = new float[dims];
        for (int d = 0; d < dims; d++) v[d] = Normal(random);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float Normal(Random random)
    {
        double u = 1.0 - random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }
}
