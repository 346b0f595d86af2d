namespace InfiniteContext;

/// <summary>
/// Restricts a search. Streams: null or empty means every stream; otherwise only the named ones
/// (a stream-scoped caller must always pass its own stream: nothing outside the scope is read or counted).
/// </summary>
public sealed record SearchFilter
{
    public IReadOnlyList<string>? Streams { get; init; }
    /// <summary>Inclusive lower bound on event time (entries without a time never match a time-bounded filter).</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Exclusive upper bound on event time.</summary>
    public DateTimeOffset? To { get; init; }
    public string? Speaker { get; init; }
    public EntryRole? Role { get; init; }
    public string? Session { get; init; }

    public static SearchFilter All { get; } = new();
    public static SearchFilter ForStream(string stream) => new() { Streams = [stream] };
}
