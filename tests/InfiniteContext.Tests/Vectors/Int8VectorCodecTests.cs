using System.Numerics;
using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

/// <summary>The int8 codec: bounded quantization error, cosine preserved by the integer dot product, SIMD and scalar paths equal.</summary>
public sealed class Int8VectorCodecTests
{
    internal static float[] RandomUnit(Random rng, int dims)
    {
        var v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++)
        {
            // Box-Muller: Gaussian components give directions uniform on the sphere.
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            v[i] = (float)g;
            norm += g * g;
        }
        float inv = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < dims; i++) v[i] *= inv;
        return v;
    }

    internal static double FloatDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    /// <summary>A unit vector at a chosen cosine to <paramref name="a"/> (so high similarities are covered too, not only near-orthogonal pairs).</summary>
    private static float[] AtCosine(Random rng, float[] a, double cosine)
    {
        var r = RandomUnit(rng, a.Length);
        double along = FloatDot(r, a);
        var ortho = new double[a.Length];
        double n = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ortho[i] = r[i] - along * a[i];
            n += ortho[i] * ortho[i];
        }
        n = Math.Sqrt(n);
        double sin = Math.Sqrt(1 - cosine * cosine);
        var v = new float[a.Length];
        for (int i = 0; i < a.Length; i++) v[i] = (float)(cosine * a[i] + sin * ortho[i] / n);
        return v;
    }

    [Theory]
    [InlineData(384)]
    [InlineData(385)]
    [InlineData(64)]
    [InlineData(7)]
    public void Decode_of_encode_is_within_half_a_quantization_step_of_every_component(int dims)
    {
        var rng = new Random(11 + dims);
        var code = new sbyte[dims];
        var back = new float[dims];
        for (int trial = 0; trial < 200; trial++)
        {
            var v = RandomUnit(rng, dims);
            float scale = Int8VectorCodec.Encode(v, code);
            Int8VectorCodec.Decode(code, scale, back);

            float maxAbs = v.Max(MathF.Abs);
            MathF.Abs(scale).ShouldBe(maxAbs / 127f, maxAbs * 1e-6f);
            code.Max(c => Math.Abs((int)c)).ShouldBe(127, "the largest component must use the full code range");
            double errSq = 0;
            for (int i = 0; i < dims; i++)
            {
                double err = Math.Abs(back[i] - v[i]);
                err.ShouldBeLessThanOrEqualTo(Math.Abs(scale) / 2 * 1.0001 + 1e-7, $"component {i} of trial {trial}");
                errSq += err * err;
            }
            // Relative L2 error of the round trip: for a 384-dim unit vector about 0.6%.
            Math.Sqrt(errSq).ShouldBeLessThan(dims >= 64 ? 0.012 : 0.02, $"trial {trial}");
        }
    }

    [Fact]
    public void A_vector_whose_largest_component_is_negative_round_trips()
    {
        var v = new float[] { -0.9f, 0.3f, 0.1f, -0.2f, 0.2f };
        var code = new sbyte[v.Length];
        var back = new float[v.Length];
        float scale = Int8VectorCodec.Encode(v, code);
        Int8VectorCodec.Decode(code, scale, back);
        for (int i = 0; i < v.Length; i++) back[i].ShouldBe(v[i], 0.9f / 127 / 2 + 1e-6f);
        // The scale is positive and each code keeps its component's sign, so a code read alone means what it says.
        scale.ShouldBeGreaterThan(0f);
        code[0].ShouldBe((sbyte)-127);
        code[1].ShouldBeGreaterThan((sbyte)0);
    }

    [Theory]
    [InlineData(384)]
    [InlineData(385)]
    [InlineData(7)]
    public void Integer_dot_times_the_scales_approximates_the_float_cosine(int dims)
    {
        var rng = new Random(3 * dims + 1);
        var ca = new sbyte[dims];
        var cb = new sbyte[dims];
        double worst = 0;
        foreach (double target in new[] { 0.0, 0.3, 0.6, 0.9, 0.99, -0.5 })
        {
            for (int trial = 0; trial < 50; trial++)
            {
                var a = RandomUnit(rng, dims);
                var b = trial == 0 ? a : AtCosine(rng, a, target);
                float sa = Int8VectorCodec.Encode(a, ca);
                float sb = Int8VectorCodec.Encode(b, cb);
                double approx = Int8VectorCodec.Dot(ca, cb) * (double)sa * sb;
                double exact = FloatDot(a, b);
                worst = Math.Max(worst, Math.Abs(approx - exact));
            }
        }
        worst.ShouldBeLessThan(0.01);
        // Identical unit vectors: the quantized self-similarity is ~1.
        var u = RandomUnit(rng, dims);
        float su = Int8VectorCodec.Encode(u, ca);
        (Int8VectorCodec.Dot(ca, ca) * (double)su * su).ShouldBe(1.0, 0.01);
    }

    [Fact]
    public void The_zero_vector_encodes_to_scale_zero_and_an_all_zero_code()
    {
        var code = Enumerable.Repeat((sbyte)5, 384).ToArray(); // stale contents must be cleared
        Int8VectorCodec.Encode(new float[384], code).ShouldBe(0f);
        code.ShouldAllBe(c => c == 0);
        var back = Enumerable.Repeat(1f, 384).ToArray();
        Int8VectorCodec.Decode(code, 0, back);
        back.ShouldAllBe(x => x == 0f);
    }

    [Fact]
    public void A_non_finite_vector_encodes_to_scale_zero_rather_than_garbage()
    {
        var code = Enumerable.Repeat((sbyte)5, 8).ToArray();
        Int8VectorCodec.Encode([1f, float.NaN, 0, 0, 0, 0, 0, 0], code).ShouldBe(0f);
        code.ShouldAllBe(c => c == 0);
        code = Enumerable.Repeat((sbyte)5, 8).ToArray();
        Int8VectorCodec.Encode([1f, float.PositiveInfinity, 0, 0, 0, 0, 0, 0], code).ShouldBe(0f);
        code.ShouldAllBe(c => c == 0);
    }

    [Fact]
    public void Encode_rejects_a_code_of_another_length()
    {
        Should.Throw<ArgumentException>(() => Int8VectorCodec.Encode(new float[8], new sbyte[7]));
    }

    public static TheoryData<int> DotLengths()
    {
        int w = Vector<sbyte>.Count;
        var data = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 7, w - 1, w, w + 1, 2 * w - 1, 2 * w + 5, 384, 385, 1000 }.Where(n => n >= 0).Distinct()) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(DotLengths))]
    public void Simd_blocks_and_the_scalar_tail_give_the_exact_integer_dot_product(int length)
    {
        var rng = new Random(length + 100);
        for (int trial = 0; trial < 20; trial++)
        {
            var a = new sbyte[length];
            var b = new sbyte[length];
            for (int i = 0; i < length; i++)
            {
                // Full sbyte range including -128, and saturated trials that would overflow a 16-bit accumulator.
                a[i] = trial == 0 ? (sbyte)-128 : trial == 1 ? (sbyte)127 : (sbyte)rng.Next(-128, 128);
                b[i] = trial == 0 ? (sbyte)-128 : trial == 1 ? (sbyte)-127 : (sbyte)rng.Next(-128, 128);
            }
            long expected = 0;
            for (int i = 0; i < length; i++) expected += a[i] * b[i];
            Int8VectorCodec.Dot(a, b).ShouldBe((int)expected, $"length {length}, trial {trial}");
        }
    }

    [Fact]
    public void Only_the_tail_beyond_the_last_full_simd_block_differs_between_385_and_384()
    {
        // 385 = 384 + one scalar element: the extra element's product must be added exactly once.
        var rng = new Random(5);
        var a = new sbyte[385];
        var b = new sbyte[385];
        for (int i = 0; i < 385; i++)
        {
            a[i] = (sbyte)rng.Next(-127, 128);
            b[i] = (sbyte)rng.Next(-127, 128);
        }
        a[384] = 100;
        b[384] = -3;
        int head = Int8VectorCodec.Dot(a.AsSpan(0, 384), b.AsSpan(0, 384));
        Int8VectorCodec.Dot(a, b).ShouldBe(head - 300);
    }
}
