namespace InfiniteContext.Embeddings;

/// <summary>The sentence models that ship inside NuGet packages, so the default needs no download.</summary>
public enum EmbeddedModel
{
    /// <summary>Snowflake Arctic Embed XS: retrieval-trained; queries take an instruction prefix.</summary>
    ArcticXs,
    /// <summary>
    /// Arctic Embed XS with int8 weight matrices, quantized at load time from the same package's fp32 model: about
    /// twice as fast on a CPU, vectors within cosine 0.995 of fp32 (the tested bound) (docs/BENCHMARKS.md, "Int8 Arctic").
    /// </summary>
    ArcticXsInt8,
    /// <summary>all-MiniLM-L6-v2: general-purpose sentence similarity; queries and documents alike.</summary>
    MiniLM,
}

/// <summary>Whether a text is a query or a document: retrieval-trained models embed them differently.</summary>
public enum EmbeddingInputType
{
    Document,
    Query,
}
