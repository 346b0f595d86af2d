namespace InfiniteContext.Context;

public enum ContextSectionKind
{
    Pinned,
    Evidence,
    Recent,
}

/// <summary>Where an item came from, precisely enough to fetch it again from the log.</summary>
public sealed record ContextCitation(string Stream, long Seq, string? Id, DateTimeOffset? Time, string? Speaker, EntryRole Role, string? Session)
{
    public static ContextCitation Of(Entry e) => new(e.Stream, e.Seq, e.ExternalId, e.Time, e.Speaker, e.Role, e.Session);
}

/// <summary>One entry placed in the context. <see cref="Text"/> may be truncated (then <see cref="Truncated"/> is set).</summary>
public sealed record ContextItem(ContextCitation Citation, string Text, int Tokens, double? Score = null, bool IsNeighbour = false, bool Truncated = false);

public sealed record ContextSection(ContextSectionKind Kind, IReadOnlyList<ContextItem> Items);

/// <summary>
/// The assembled context: its sections with cited items, and <see cref="Text"/>, the exact prompt text whose
/// token count (<see cref="Tokens"/>, counted with the store's tokenizer) never exceeds <see cref="Budget"/>.
/// </summary>
public sealed record AssembledContext(string Stream, string? Query, string EffectiveQuery, int Budget, int Tokens, IReadOnlyList<ContextSection> Sections, string Text)
{
    public IEnumerable<ContextItem> Items => Sections.SelectMany(s => s.Items);
}
