namespace InfiniteContext;

/// <summary>One ranked result: the entry itself (its citation fields and text) and its score.</summary>
public sealed record SearchHit(Entry Entry, double Score)
{
    /// <summary>Calibrated probability, in [0, 1], that this hit is evidence for the query (see ConfidenceModel); null if the producer did not estimate one.</summary>
    public double? Confidence { get; init; }
}
