namespace InfiniteContext.Ingest;

public sealed record IngestReaderOptions
{
    /// <summary>Stream for records that do not name one (JSONL without "stream", text files, transcripts).</summary>
    public string? DefaultStream { get; init; }

    /// <summary>Text and Markdown chunks are at most this many tokens (counted with the store's tokenizer).</summary>
    public int MaxChunkTokens { get; init; } = 256;

    /// <summary>A record whose text exceeds this many characters is rejected as oversized (text files are chunked instead).</summary>
    public int MaxEntryChars { get; init; } = 1_000_000;
}
