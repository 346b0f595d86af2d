using System.CommandLine;
using InfiniteContext.Embeddings;
using InfiniteContext.OpenAI;
using InfiniteContext.Retrieval;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Cli;

/// <summary>
/// Which embedding model a command uses: an embedded one, or a model behind an OpenAI-compatible endpoint
/// (<c>--model openai:NAME --embeddings-endpoint URL</c>). A store has vectors once <c>infctx index</c> has run;
/// the model that made them is recorded beside them (<see cref="ModelDescriptor"/>) and reads use it automatically.
/// </summary>
internal static class Models
{
    public const string EndpointPrefix = "openai:";
    public const string ApiKeyEnvironmentVariable = "INFCTX_EMBEDDINGS_API_KEY";
    public const string EndpointEnvironmentVariable = "INFCTX_EMBEDDINGS_ENDPOINT";
    public static readonly Uri OpenAiEndpoint = new("https://api.openai.com/v1");

    /// <summary>The engine's default embedded model (<see cref="EmbeddedModelOptions.Model"/>), by its CLI name.</summary>
    public static readonly string DefaultModel = ModelDescriptor.CliName(new EmbeddedModelOptions().Model);

    /// <summary>--model; with <paramref name="storeDecides"/> no value means "the store's model, else the default".</summary>
    public static Option<string?> ModelOption(bool storeDecides = false) => new("--model")
    {
        Description = "Embedding model: arctic-xs-int8 (Arctic Embed XS with int8 weights" + (storeDecides ? "; the default unless the store already has vectors of another)" : "; the default)")
            + ", arctic-xs (its fp32 original: the same recall at twice the CPU time), minilm, openai:NAME (a model behind --embeddings-endpoint), or none (lexical only).",
        DefaultValueFactory = _ => storeDecides ? null : DefaultModel,
    };

    public static Option<RetrievalMode?> RetrievalOption() => new("--retrieval")
    {
        Description = "lexical, dense or fused (default: fused when the store has vectors, lexical otherwise).",
    };

    /// <summary>
    /// The model a writing command (index, eval) uses: the one named, with the endpoint settings given; for the
    /// model the store already holds, whatever was not given again comes from its descriptor (endpoint, prefix,
    /// and always the dimensions, so an endpoint that changed its vectors is caught). Null for <c>none</c>.
    /// </summary>
    public static ModelDescriptor? Choose(string? name, EndpointSettings settings, string? storeDirectory)
    {
        var stored = storeDirectory is null ? [] : Stored(storeDirectory);
        ModelDescriptor? chosen;
        if (name is null)
        {
            chosen = (stored.Count > 0 ? stored[0] : null) ?? ModelDescriptor.ForEmbedded(new EmbeddedModelOptions().Model);
            if (!chosen.IsEndpoint && settings.Given) throw new CliUsageException("--embeddings-endpoint and --query-prefix need --model openai:NAME.");
        }
        else if (name.StartsWith(EndpointPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string model = name[EndpointPrefix.Length..];
            if (string.IsNullOrWhiteSpace(model)) throw new CliUsageException($"--model '{name}' names no model: write openai:NAME, e.g. openai:nomic-embed-text.");
            chosen = new ModelDescriptor { Kind = ModelDescriptor.EndpointKind, Model = model };
        }
        else
        {
            var embedded = ParseEmbedded(name);
            if (embedded is null) return null;
            if (settings.Given) throw new CliUsageException("--embeddings-endpoint and --query-prefix need --model openai:NAME.");
            chosen = ModelDescriptor.ForEmbedded(embedded.Value);
        }
        if (!chosen.IsEndpoint) return chosen;
        var before = stored.FirstOrDefault(d => d.ModelId == chosen.ModelId);
        string? endpoint = settings.Endpoint ?? before?.Endpoint ?? Environment.GetEnvironmentVariable(EndpointEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(endpoint)) endpoint = OpenAiEndpoint.AbsoluteUri;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliUsageException($"--embeddings-endpoint '{endpoint}' is not an http(s) URL.");
        return chosen with
        {
            Endpoint = uri.AbsoluteUri.TrimEnd('/'),
            QueryPrefix = settings.QueryPrefix ?? before?.QueryPrefix,
            Dimensions = before?.Dimensions,
        };
    }

    /// <summary>An embedded model by name (commands that build their own stores, like <c>eval niah</c>); null for <c>none</c>.</summary>
    public static EmbeddedModel? ParseEmbedded(string? name)
    {
        string? n = name?.ToLowerInvariant() switch { "arctic" or "arcticxs" => "arctic-xs", "mini-lm" => "minilm", var other => other };
        if (n is null or "none") return null;
        string embedded = string.Join(", ", ModelDescriptor.EmbeddedNames.Keys);
        if (n.StartsWith(EndpointPrefix, StringComparison.Ordinal))
            throw new CliUsageException($"--model '{name}': this command builds its own store and takes an embedded model: {embedded} or none.");
        return ModelDescriptor.EmbeddedNames.TryGetValue(n, out var model) ? model : throw new CliUsageException($"--model '{name}' is not one of {embedded}, openai:NAME, none.");
    }

    /// <summary>The generator for a model; an endpoint's API key comes only from the environment.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(ModelDescriptor model, EndpointSettings? settings = null)
    {
        if (!model.IsEndpoint) return new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = model.EmbeddedModel });
        var tuning = settings ?? EndpointSettings.Defaults;
        return new EndpointEmbeddingGenerator(new EmbeddingEndpointOptions
        {
            Endpoint = new Uri(model.Endpoint!),
            Model = model.Model,
            ApiKey = Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable),
            QueryPrefix = model.QueryPrefix,
            Dimensions = model.Dimensions,
            MaxBatchSize = tuning.BatchSize,
            MaxRetries = tuning.Retries,
            Timeout = tuning.Timeout,
        });
    }

    /// <summary>Records the model beside its vectors, with the vector length the store now holds.</summary>
    public static void Remember(string storeDirectory, ModelDescriptor model, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        int? dims = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions ?? model.Dimensions;
        var current = model with { Dimensions = dims };
        string path = ModelDescriptor.PathFor(storeDirectory, model.ModelId);
        if (!File.Exists(path) || ModelDescriptor.Read(path) != current) current.Write(storeDirectory);
    }

    /// <summary>
    /// The models whose vectors the store holds, most recently written first: from their descriptors, or, for
    /// stores indexed before descriptors existed, from the embedded models' vector file names.
    /// </summary>
    public static IReadOnlyList<ModelDescriptor> Stored(string storeDirectory)
    {
        string dir = ModelDescriptor.VectorDirectory(storeDirectory);
        if (!Directory.Exists(dir)) return [];
        var found = new List<(ModelDescriptor Model, DateTime Written)>();
        foreach (var vec in Directory.EnumerateFiles(dir, "*.vec"))
        {
            string stem = Path.GetFileNameWithoutExtension(vec);
            string descriptor = Path.Combine(dir, stem + ModelDescriptor.Extension);
            // Without a descriptor, any embedded model's file name says which model wrote it (every one of them, the
            // int8 default included: a store kept by `eval niah --store` before it wrote descriptors has only that).
            ModelDescriptor? model = File.Exists(descriptor) ? ModelDescriptor.Read(descriptor)
                : Enum.GetValues<EmbeddedModel>().Where(m => stem == EmbeddedSentenceGenerator.ModelId(m)).Select(ModelDescriptor.ForEmbedded).FirstOrDefault();
            if (model is not null) found.Add((model, File.GetLastWriteTimeUtc(vec)));
        }
        return found.OrderByDescending(f => f.Written).ThenBy(f => f.Model.ModelId, StringComparer.Ordinal).Select(f => f.Model).ToList();
    }

    /// <summary>The model whose vectors the store holds (the most recently indexed, if several), if any.</summary>
    public static ModelDescriptor? InStore(string storeDirectory) => Stored(storeDirectory) is { Count: > 0 } all ? all[0] : null;

    /// <summary>Store options for a read: the store's own vector model unless retrieval is lexical.</summary>
    public static MemoryStoreOptions ForRead(string storeDirectory, RetrievalMode? retrieval)
    {
        var inStore = retrieval == RetrievalMode.Lexical ? null : InStore(storeDirectory);
        if (retrieval is RetrievalMode.Dense or RetrievalMode.Fused && inStore is null)
            throw new CliUsageException($"--retrieval {retrieval.ToString()!.ToLowerInvariant()} needs vectors: run 'infctx index --store {storeDirectory}' first.");
        return new MemoryStoreOptions
        {
            ReadOnly = true,
            Embeddings = inStore is { } m ? CreateGenerator(m) : null,
            Retrieval = new RetrievalOptions { Mode = retrieval ?? RetrievalMode.Fused },
        };
    }
}
