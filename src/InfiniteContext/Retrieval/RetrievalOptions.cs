namespace InfiniteContext.Retrieval;

public enum RetrievalMode
{
    /// <summary>BM25 only.</summary>
    Lexical,
    /// <summary>Embedding similarity only (entries without a vector yet are invisible).</summary>
    Dense,
    /// <summary>Lexical and dense channels fused by <see cref="ConsensusRanker"/> (the default when an embedding model is configured).</summary>
    Fused,
}

public sealed record RetrievalOptions
{
    public RetrievalMode Mode { get; init; } = RetrievalMode.Fused;

    /// <summary>Candidates each channel contributes before fusion.</summary>
    public int CandidatesPerChannel { get; init; } = 100;

    public double LexicalWeight { get; init; } = 0.45;
    public double DenseWeight { get; init; } = 0.55;

    /// <summary>Added when both channels rank an entry among their candidates: independent signals agreeing.</summary>
    public double AgreementBonus { get; init; } = 0.1;

    /// <summary>A strong hit lends this share of its score to its immediate neighbours in the stream (temporal contiguity).</summary>
    public double NeighbourShare { get; init; } = 0.0;
}
