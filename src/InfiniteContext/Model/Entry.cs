namespace InfiniteContext;

/// <summary>
/// One immutable record of the log: a message, a document chunk, a tool result.
/// <see cref="Seq"/> is store-wide and monotonic; it is the citation every derived structure points at.
/// </summary>
public sealed record Entry
{
    public required long Seq { get; init; }
    public required string Stream { get; init; }
    /// <summary>Caller-supplied id, unique within the stream (re-ingesting it is a no-op). May be null.</summary>
    public string? ExternalId { get; init; }
    public string? Session { get; init; }
    /// <summary>When the event happened, if the source says so.</summary>
    public DateTimeOffset? Time { get; init; }
    /// <summary>When the store acknowledged the entry.</summary>
    public required DateTimeOffset IngestedAt { get; init; }
    public EntryRole Role { get; init; } = EntryRole.User;
    public string? Speaker { get; init; }
    public required string Text { get; init; }
    /// <summary>Source-specific metadata as a JSON object text (file and line range, image url, ...); null when none.</summary>
    public string? Meta { get; init; }
    /// <summary>Token count of <see cref="Text"/> under the store's tokenizer.</summary>
    public int Tokens { get; init; }
}
