namespace InfiniteContext.Embeddings;

public sealed record EmbeddedModelOptions
{
    public EmbeddedModel Model { get; init; } = EmbeddedModel.ArcticXs;

    /// <summary>What inputs are unless a call says otherwise through <see cref="EmbeddedSentenceGenerator.InputTypeProperty"/>.</summary>
    public EmbeddingInputType DefaultInputType { get; init; } = EmbeddingInputType.Document;

    /// <summary>Texts per model call: larger batches amortize the call, smaller ones bound padding waste and memory.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>Threads ONNX Runtime may use inside one call (0: its default, all cores).</summary>
    public int IntraOpThreads { get; init; }
}
