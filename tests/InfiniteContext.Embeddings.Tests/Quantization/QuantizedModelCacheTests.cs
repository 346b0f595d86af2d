using InfiniteContext.Embeddings.Quantization;
using InfiniteContext.Testing;
using Microsoft.ML.OnnxRuntime;

namespace InfiniteContext.Embeddings.Tests.Quantization;

/// <summary>The on-disk cache of the int8 Arctic model: reused across encoders, checked on read, optional.</summary>
public sealed class QuantizedModelCacheTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static float[][] Encode(string? cache, out bool fromCache, out string key)
    {
        using var options = new SessionOptions();
        using var encoder = new Int8ArcticEncoder(options, cacheDirectory: cache);
        fromCache = encoder.FromCache;
        key = encoder.CacheKey;
        return encoder.Encode(EmbeddedSentenceGeneratorTests.Turns, CancellationToken.None);
    }

    [Fact]
    public void A_second_encoder_loads_the_model_the_first_wrote_and_computes_the_same_vectors()
    {
        string cache = _dir.File("models");
        var first = Encode(cache, out bool firstFromCache, out string key);
        var second = Encode(cache, out bool secondFromCache, out _);

        firstFromCache.ShouldBeFalse();
        secondFromCache.ShouldBeTrue();
        Directory.GetFiles(cache).Select(Path.GetFileName).ShouldBe([key + ".onnx"], "one file, no .tmp left over");
        for (int i = 0; i < first.Length; i++) second[i].ShouldBe(first[i], EmbeddedSentenceGeneratorTests.Turns[i]);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void A_damaged_cache_file_is_not_used_but_quantized_again_and_rewritten(string damage)
    {
        string cache = _dir.File("models");
        var reference = Encode(cache, out _, out string key);
        string path = QuantizedModelCache.PathOf(cache, key);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "flip" => bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)(b ^ 0x40) : b).ToArray(),
            "truncate" => bytes[..(bytes.Length / 3)],
            _ => [],
        });

        var again = Encode(cache, out bool fromCache, out _);

        fromCache.ShouldBeFalse($"a {damage}ed file must not be loaded");
        for (int i = 0; i < reference.Length; i++) again[i].ShouldBe(reference[i]);
        File.ReadAllBytes(path).ShouldBe(bytes, "the file is rewritten whole");
        Encode(cache, out bool thirdFromCache, out _);
        thirdFromCache.ShouldBeTrue();
    }

    [Fact]
    public void A_cache_directory_that_cannot_be_created_leaves_the_model_quantized_in_memory()
    {
        string notADirectory = _dir.Write("plain-file", "x");
        var vectors = Encode(Path.Combine(notADirectory, "models"), out bool fromCache, out _);

        fromCache.ShouldBeFalse();
        vectors.Length.ShouldBe(EmbeddedSentenceGeneratorTests.Turns.Length);
        File.ReadAllText(notADirectory).ShouldBe("x");
    }

    [Fact]
    public void The_key_names_the_weight_levels_and_the_rewrites_format()
    {
        using var options = new SessionOptions();
        using var seven = new Int8ArcticEncoder(options, weightLevels: 63);
        using var options8 = new SessionOptions();
        using var eight = new Int8ArcticEncoder(options8, weightLevels: 127);

        seven.CacheKey.ShouldContain("-l63-");
        eight.CacheKey.ShouldContain("-l127-");
        seven.CacheKey.ShouldContain($"-q{OnnxInt8Quantizer.FormatVersion}-");
        seven.CacheKey.ShouldNotBe(eight.CacheKey);
    }
}
