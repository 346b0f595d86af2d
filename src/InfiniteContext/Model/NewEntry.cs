namespace InfiniteContext;

/// <summary>An entry on its way in: everything but the fields the store assigns (seq, ingest time, tokens).</summary>
public sealed record NewEntry
{
    public required string Stream { get; init; }
    public string? ExternalId { get; init; }
    public string? Session { get; init; }
    public DateTimeOffset? Time { get; init; }
    public EntryRole Role { get; init; } = EntryRole.User;
    public string? Speaker { get; init; }
    public required string Text { get; init; }
    public string? Meta { get; init; }
}
