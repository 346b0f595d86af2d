using System.ClientModel;
using System.ClientModel.Primitives;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using OpenAI;
using EmbeddingClient = OpenAI.Embeddings.EmbeddingClient;

namespace InfiniteContext.OpenAI;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/v1/embeddings</c> endpoint, through the OpenAI SDK's client
/// (Microsoft.Extensions.AI.OpenAI), with what the store needs on top: requests of at most
/// <see cref="EmbeddingEndpointOptions.MaxBatchSize"/> texts, a query prefix for <c>input_type</c> = <c>query</c>,
/// unit-length vectors (the index's cosine is a dot product), one vector length for every response, and errors
/// that name the URL and HTTP status. Retries and timeouts are the SDK pipeline's, configured from the options.
/// </summary>
public sealed class EndpointEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string InputTypeProperty = "input_type";

    private readonly EmbeddingEndpointOptions _options;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
    private readonly string _url;
    private int _dimensions;

    public EndpointEmbeddingGenerator(EmbeddingEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Model);
        if (!options.Endpoint.IsAbsoluteUri || options.Endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The embeddings endpoint '{options.Endpoint}' is not an http(s) URL.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        _options = options with { Endpoint = BaseOf(options.Endpoint) };
        _url = _options.Endpoint.AbsoluteUri.TrimEnd('/') + "/embeddings";
        _dimensions = options.Dimensions ?? 0;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = _options.Endpoint,
            NetworkTimeout = options.Timeout,
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        };
        // Without a key, no Authorization header at all (rather than a fake token): the SDK's constructor for a custom
        // authentication policy is marked experimental (OPENAI001), which is why the diagnostic is silenced here only.
#pragma warning disable OPENAI001
        var client = string.IsNullOrEmpty(options.ApiKey)
            ? new EmbeddingClient(options.Model, new NoAuthentication(), clientOptions)
            : new EmbeddingClient(options.Model, new ApiKeyCredential(options.ApiKey), clientOptions);
#pragma warning restore OPENAI001
        _inner = client.AsIEmbeddingGenerator();
    }

    /// <summary>How a store names this model's vectors: distinct from the embedded models' ids whatever the server calls it.</summary>
    public static string ModelIdFor(string model) => "openai:" + model;

    /// <summary>The URL requests go to, for messages.</summary>
    public string Url => _url;

    /// <summary>Known after the first response, or from <see cref="EmbeddingEndpointOptions.Dimensions"/>; null before.</summary>
    public int? Dimensions => _dimensions > 0 ? _dimensions : null;

    public EmbeddingGeneratorMetadata Metadata => new("openai-compatible", _options.Endpoint, ModelIdFor(_options.Model), Dimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        bool query = IsQuery(options);
        var texts = values.Select(v => query && _options.QueryPrefix is { Length: > 0 } p ? p + v : v).ToArray();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        for (int start = 0; start < texts.Length; start += _options.MaxBatchSize)
        {
            var slice = texts[start..Math.Min(texts.Length, start + _options.MaxBatchSize)];
            var batch = await RequestAsync(slice, cancellationToken);
            if (batch.Count != slice.Length)
                throw new EmbeddingEndpointException($"The embeddings endpoint {_url} returned {batch.Count} vectors for {slice.Length} inputs.");
            foreach (var embedding in batch) result.Add(Checked(embedding));
        }
        return result;
    }

    private async Task<GeneratedEmbeddings<Embedding<float>>> RequestAsync(string[] texts, CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.GenerateAsync(texts, cancellationToken: cancellationToken);
        }
        catch (ClientResultException ex) when (ex.Status == 0)
        {
            throw new EmbeddingEndpointException($"Cannot reach the embeddings endpoint {_url}: {(ex.InnerException ?? ex).Message}", null, ex);
        }
        catch (ClientResultException ex)
        {
            string body = ex.GetRawResponse()?.Content?.ToString() ?? "";
            body = body.ReplaceLineEndings(" ").Trim();
            if (body.Length > 300) body = body[..300] + "…";
            throw new EmbeddingEndpointException(
                $"The embeddings endpoint {_url} answered HTTP {ex.Status} for model '{_options.Model}'{(body.Length > 0 ? ": " + body : ".")}", ex.Status, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EmbeddingEndpointException($"Cannot reach the embeddings endpoint {_url}: {ex.Message}", (int?)ex.StatusCode, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmbeddingEndpointException($"The embeddings endpoint {_url} did not answer within {_options.Timeout.TotalSeconds:0.#} s.", null, ex);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new EmbeddingEndpointException($"The embeddings endpoint {_url} answered with a body that is not an embeddings response: {ex.Message}", null, ex);
        }
    }

    /// <summary>Every vector of one length (the store's), finite, and scaled to unit length.</summary>
    private Embedding<float> Checked(Embedding<float> embedding)
    {
        var vector = embedding.Vector.ToArray();
        if (vector.Length == 0) throw new EmbeddingEndpointException($"The embeddings endpoint {_url} returned an empty vector.");
        int expected = Interlocked.CompareExchange(ref _dimensions, vector.Length, 0);
        if (expected != 0 && expected != vector.Length)
            throw new EmbeddingEndpointException($"The embeddings endpoint {_url} returned vectors of {vector.Length} dimensions for model '{_options.Model}', but this store holds {expected}-dimensional vectors of it.");
        float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(vector));
        if (!float.IsFinite(norm)) throw new EmbeddingEndpointException($"The embeddings endpoint {_url} returned a vector with a non-finite value.");
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        return new Embedding<float>(vector) { ModelId = ModelIdFor(_options.Model), CreatedAt = embedding.CreatedAt };
    }

    private static bool IsQuery(EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(InputTypeProperty, out var value) != true) return false;
        return value?.ToString()?.ToLowerInvariant() switch
        {
            "query" => true,
            "document" or "passage" or null => false,
            var other => throw new ArgumentException($"'{InputTypeProperty}' must be 'query' or 'document', not '{other}'.", nameof(options)),
        };
    }

    /// <summary>Accepts the API base or the full <c>.../embeddings</c> URL users copy from server docs.</summary>
    private static Uri BaseOf(Uri endpoint)
    {
        string s = endpoint.AbsoluteUri.TrimEnd('/');
        if (s.EndsWith("/embeddings", StringComparison.OrdinalIgnoreCase)) s = s[..^"/embeddings".Length];
        return new Uri(s);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : null;

    public void Dispose() => _inner.Dispose();

    /// <summary>Local servers (Ollama, llama.cpp without --api-key) take no credentials: send no Authorization header.</summary>
    private sealed class NoAuthentication : AuthenticationPolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNext(message, pipeline, currentIndex);

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNextAsync(message, pipeline, currentIndex);
    }
}
