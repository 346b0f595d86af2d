namespace InfiniteContext.Embeddings;

/// <summary>The sentence models that ship inside NuGet packages, so the default needs no download.</summary>
public enum EmbeddedModel
{
    /// <summary>Snowflake Arctic Embed XS: retrieval-trained; queries take an instruction prefix.</summary>
    ArcticXs,
    /// <summary>all-MiniLM-L6-v2: general-purpose sentence similarity; queries and documents alike.</summary>
    MiniLM,
}

/// <summary>Whether a text is a query or a document: retrieval-trained models embed them differently.</summary>
public enum EmbeddingInputType
{
    Document,
    Query,
}
