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

    /// <summary>Whether an entry passes every field of the filter but the streams (which scope the search itself).</summary>
    public bool Matches(Entry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (From is { } from && (e.Time is not { } t1 || t1 < from)) return false;
        if (To is { } to && (e.Time is not { } t2 || t2 >= to)) return false;
        if (Role is { } role && e.Role != role) return false;
        if (Speaker is { } speaker && !string.Equals(e.Speaker, speaker, StringComparison.OrdinalIgnoreCase)) return false;
        if (Session is { } session && !string.Equals(e.Session, session, StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }
}
