namespace InfiniteContext.Context;

/// <summary>What to assemble: for one stream, a context of at most <see cref="Budget"/> tokens.</summary>
public sealed record ContextRequest
{
    public required string Stream { get; init; }
    /// <summary>What the context is for. Null: the latest messages of the stream stand in for the query.</summary>
    public string? Query { get; init; }
    public required int Budget { get; init; }
    /// <summary>Evidence entries retrieved before packing (more than fit, so neighbours and dedup have room).</summary>
    public int EvidenceCandidates { get; init; } = 20;
    /// <summary>Neighbours on each side of an evidence hit added where they fit (EM-LLM's temporal contiguity).</summary>
    public int Neighbours { get; init; } = 1;
    /// <summary>Share of the budget the pinned section may take; unused share flows to the next section.</summary>
    public double PinnedShare { get; init; } = 0.2;
    /// <summary>Share of the remaining budget for evidence; the rest goes to the recent window.</summary>
    public double EvidenceShare { get; init; } = 0.6;
}
