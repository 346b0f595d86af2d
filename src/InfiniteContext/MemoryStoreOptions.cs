using InfiniteContext.Retrieval;
using Microsoft.Extensions.AI;

namespace InfiniteContext;

public sealed record MemoryStoreOptions
{
    /// <summary>Open without taking the writer lock: search, context and stats only. Never writes a file.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Create the store directory when it does not exist (writable opens only).</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Tokenizer for a new store (o200k_base or cl100k_base). An existing store keeps the one it was created with.</summary>
    public string Tokenizer { get; init; } = Text.TiktokenCounter.O200kBase;

    /// <summary>
    /// The embedding model for the dense channel (null: lexical only). Its vectors are kept per model id under
    /// index/vectors/, so switching models never mixes vector spaces. Queries are embedded with
    /// <c>AdditionalProperties["input_type"] = "query"</c>.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; init; }

    /// <summary>Compute missing vectors in the background while a writable store is open.</summary>
    public bool BackgroundVectorIndexing { get; init; } = true;

    /// <summary>When dense search switches from the exact scan to the approximate (IVF) index, and how many lists it probes.</summary>
    public Vectors.VectorIndexOptions VectorIndex { get; init; } = Vectors.VectorIndexOptions.Default;

    public RetrievalOptions Retrieval { get; init; } = new();

    /// <summary>Postings the lexical index keeps in memory before a writer flushes them to a segment (bounds ingest memory).</summary>
    public long MaxIndexTailPostings { get; init; } = new Indexing.LexicalIndexOptions().MaxTailPostings;
}
