namespace InfiniteContext;

/// <summary>One ranked result: the entry itself (its citation fields and text) and its score.</summary>
public sealed record SearchHit(Entry Entry, double Score);
