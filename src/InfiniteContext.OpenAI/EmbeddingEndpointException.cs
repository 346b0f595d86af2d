namespace InfiniteContext.OpenAI;

/// <summary>The embeddings endpoint could not be reached or answered with something unusable; the message names the URL.</summary>
public sealed class EmbeddingEndpointException : Exception
{
    public EmbeddingEndpointException(string message, int? httpStatus = null, Exception? inner = null) : base(message, inner)
    {
        HttpStatus = httpStatus;
    }

    /// <summary>The HTTP status of the failing response (null when no response came back).</summary>
    public int? HttpStatus { get; }
}
