using System.CommandLine;
using InfiniteContext.Embeddings;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Cli;

/// <summary>
/// Which embedding model a command uses. A store has vectors once <c>infctx index</c> has run; reads then
/// use them automatically (the model that made them embeds the query).
/// </summary>
internal static class Models
{
    public static Option<string> ModelOption() => new("--model")
    {
        Description = "Embedding model: arctic-xs (default), minilm, or none (lexical only).",
        DefaultValueFactory = _ => "arctic-xs",
    };

    public static Option<RetrievalMode?> RetrievalOption() => new("--retrieval")
    {
        Description = "lexical, dense or fused (default: fused when the store has vectors, lexical otherwise).",
    };

    public static EmbeddedModel? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "arctic-xs" or "arctic" or "arcticxs" => EmbeddedModel.ArcticXs,
        "minilm" or "mini-lm" => EmbeddedModel.MiniLM,
        "none" => null,
        _ => throw new CliUsageException($"--model '{name}' is not one of arctic-xs, minilm, none."),
    };

    /// <summary>The embedded model whose vectors the store already holds, if any.</summary>
    public static EmbeddedModel? InStore(string storeDirectory)
    {
        string dir = Path.Combine(storeDirectory, "index", "vectors");
        if (!Directory.Exists(dir)) return null;
        foreach (var model in new[] { EmbeddedModel.ArcticXs, EmbeddedModel.MiniLM })
            if (File.Exists(Path.Combine(dir, EmbeddedSentenceGenerator.ModelId(model) + ".vec"))) return model;
        return null;
    }

    /// <summary>Store options for a read: the store's own vector model unless retrieval is lexical.</summary>
    public static MemoryStoreOptions ForRead(string storeDirectory, RetrievalMode? retrieval)
    {
        var inStore = retrieval == RetrievalMode.Lexical ? null : InStore(storeDirectory);
        if (retrieval is RetrievalMode.Dense or RetrievalMode.Fused && inStore is null)
            throw new CliUsageException($"--retrieval {retrieval.ToString()!.ToLowerInvariant()} needs vectors: run 'infctx index --store {storeDirectory}' first.");
        return new MemoryStoreOptions
        {
            ReadOnly = true,
            Embeddings = inStore is { } m ? new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = m }) : null,
            Retrieval = new RetrievalOptions { Mode = retrieval ?? RetrievalMode.Fused },
        };
    }
}
