namespace InfiniteContext.Embeddings;

public sealed record EmbeddedModelOptions
{
    /// <summary>
    /// Arctic XS with int8 weights by default: the same recall on the LoCoMo dev set as its fp32 original at half the
    /// CPU time per text (docs/BENCHMARKS.md, "Int8 Arctic").
    /// </summary>
    public EmbeddedModel Model { get; init; } = EmbeddedModel.ArcticXsInt8;

    /// <summary>What inputs are unless a call says otherwise through <see cref="EmbeddedSentenceGenerator.InputTypeProperty"/>.</summary>
    public EmbeddingInputType DefaultInputType { get; init; } = EmbeddingInputType.Document;

    /// <summary>Texts per model call: larger batches amortize the call, smaller ones bound padding waste and memory.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// Where a model rewritten at load (<see cref="EmbeddedModel.ArcticXsInt8"/>) is kept so later processes load it as
    /// is: <c>$INFCTX_MODEL_CACHE</c> when set, else <c>infctx/models</c> under the user's local application data
    /// (<c>~/.local/share</c> on Linux). Null or empty: rewritten in memory at every load. Files are checked on read and
    /// rewritten when damaged; an unwritable directory only costs the rewrite.
    /// </summary>
    public string? ModelCacheDirectory { get; init; } = DefaultModelCacheDirectory();

    private static string? DefaultModelCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("INFCTX_MODEL_CACHE");
        if (configured is not null) return configured.Length == 0 ? null : configured;
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return local.Length == 0 ? null : Path.Combine(local, "infctx", "models");
    }

    /// <summary>Threads ONNX Runtime may use inside one call (0: its default, all cores).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin while waiting for work. Off by default: the model shares the
    /// machine with ingest, the indexer and the server, and spinning threads then steal the cores they wait for
    /// (docs/BENCHMARKS.md, "Query embedding": 2-3x slower queries and half the batch throughput under load).
    /// </summary>
    public bool SpinWait { get; init; }
}
