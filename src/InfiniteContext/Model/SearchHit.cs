namespace InfiniteContext;

/// <summary>One ranked result: the entry itself (its citation fields and text) and its score.</summary>
public sealed record SearchHit(Entry Entry, double Score)
{
    /// <summary>How far to trust this hit, in [0, 1], when several channels were fused (null for a single channel).</summary>
    public double? Confidence { get; init; }
}
