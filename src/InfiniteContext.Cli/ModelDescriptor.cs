using System.Text.Json;
using System.Text.Json.Serialization;
using InfiniteContext.Embeddings;
using InfiniteContext.OpenAI;
using InfiniteContext.Vectors;

namespace InfiniteContext.Cli;

/// <summary>
/// What made a store's vectors, persisted beside the vector file (<c>index/vectors/&lt;model&gt;.model.json</c>) so that
/// later reads embed queries with the same model without being told. Holds the endpoint and model, never an API key.
/// </summary>
internal sealed record ModelDescriptor
{
    public const string EmbeddedKind = "embedded";
    public const string EndpointKind = "openai";
    public const string Extension = ".model.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary><see cref="EmbeddedKind"/> or <see cref="EndpointKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>An embedded model's CLI name (arctic-xs, arctic-xs-int8, minilm), or the endpoint's model name.</summary>
    public required string Model { get; init; }

    /// <summary>The API base of an OpenAI-compatible endpoint.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Prepended to queries (endpoint models; embedded models bring their own).</summary>
    public string? QueryPrefix { get; init; }

    public int? Dimensions { get; init; }

    public static ModelDescriptor ForEmbedded(EmbeddedModel model) => new()
    {
        Kind = EmbeddedKind,
        Model = CliName(model),
        Dimensions = 384,
    };

    /// <summary>The embedded models by their CLI names, the names descriptors record.</summary>
    public static readonly IReadOnlyDictionary<string, EmbeddedModel> EmbeddedNames = new Dictionary<string, EmbeddedModel>(StringComparer.Ordinal)
    {
        ["arctic-xs"] = EmbeddedModel.ArcticXs,
        ["arctic-xs-int8"] = EmbeddedModel.ArcticXsInt8,
        ["minilm"] = EmbeddedModel.MiniLM,
    };

    public static string CliName(EmbeddedModel model) => EmbeddedNames.First(p => p.Value == model).Key;

    [JsonIgnore]
    public bool IsEndpoint => Kind == EndpointKind;

    [JsonIgnore]
    public EmbeddedModel EmbeddedModel => EmbeddedNames[Model];

    /// <summary>The id the store names the vectors by (the vector file's name and header).</summary>
    [JsonIgnore]
    public string ModelId => IsEndpoint ? EndpointEmbeddingGenerator.ModelIdFor(Model) : EmbeddedSentenceGenerator.ModelId(EmbeddedModel);

    public static string PathFor(string storeDirectory, string modelId) =>
        Path.Combine(VectorDirectory(storeDirectory), VectorStore.FileStem(modelId) + Extension);

    public static string VectorDirectory(string storeDirectory) => Path.Combine(storeDirectory, "index", "vectors");

    /// <summary>Atomically (write, then rename), so a crash leaves the old descriptor or the new one.</summary>
    public void Write(string storeDirectory)
    {
        string path = PathFor(storeDirectory, ModelId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The descriptor at a path; a damaged one is an error naming the file and field.</summary>
    public static ModelDescriptor Read(string path)
    {
        ModelDescriptor? d;
        try
        {
            d = JsonSerializer.Deserialize<ModelDescriptor>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}': not a model descriptor: {ex.Message}");
        }
        if (d is null) throw new InvalidDataException($"'{path}': not a model descriptor.");
        if (d.Kind is not (EmbeddedKind or EndpointKind)) throw new InvalidDataException($"'{path}': field 'kind' is '{d.Kind}', not '{EmbeddedKind}' or '{EndpointKind}'.");
        if (string.IsNullOrWhiteSpace(d.Model)) throw new InvalidDataException($"'{path}': field 'model' is empty.");
        if (d.IsEndpoint && !Uri.TryCreate(d.Endpoint, UriKind.Absolute, out _)) throw new InvalidDataException($"'{path}': field 'endpoint' is not a URL.");
        if (!d.IsEndpoint && !EmbeddedNames.ContainsKey(d.Model)) throw new InvalidDataException($"'{path}': field 'model' is '{d.Model}', not an embedded model ({string.Join(", ", EmbeddedNames.Keys)}).");
        return d;
    }
}
