namespace InfiniteContext.OpenAI;

/// <summary>Where and how to reach an OpenAI-compatible embeddings endpoint (OpenAI, Ollama, llama.cpp, vLLM, ...).</summary>
public sealed record EmbeddingEndpointOptions
{
    /// <summary>The API base, e.g. <c>http://127.0.0.1:11434/v1</c>; requests go to <c>{Endpoint}/embeddings</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The model name the server knows, sent as <c>model</c> in every request.</summary>
    public required string Model { get; init; }

    /// <summary>Sent as a bearer token when set; local servers usually need none. Never logged or persisted.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Prepended to query texts (<c>input_type</c> = <c>query</c>); many retrieval models expect an instruction here.</summary>
    public string? QueryPrefix { get; init; }

    /// <summary>The vector length the caller already relies on (e.g. the store's); a response of another length is an error.</summary>
    public int? Dimensions { get; init; }

    /// <summary>Texts per HTTP request: servers cap a request's inputs (llama.cpp by its batch size).</summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>How long one request may take before it fails (and is retried).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries with exponential backoff on 408, 429 (honouring Retry-After) and 5xx, and on connection failures.</summary>
    public int MaxRetries { get; init; } = 3;
}
