namespace InfiniteContext.Retrieval;

public enum RetrievalMode
{
    /// <summary>BM25 only.</summary>
    Lexical,
    /// <summary>Embedding similarity only (entries without a vector yet are invisible).</summary>
    Dense,
    /// <summary>Lexical, dense and temporal channels fused by <see cref="ConsensusRanker"/> (the default when an embedding model is configured).</summary>
    Fused,
}

/// <summary>
/// How retrieval ranks. The defaults were chosen on the LoCoMo dev conversations (docs/BENCHMARKS.md shows
/// the sweep); none of them names anything in that data.
/// </summary>
public sealed record RetrievalOptions
{
    public RetrievalMode Mode { get; init; } = RetrievalMode.Fused;

    /// <summary>Candidates each channel contributes before fusion; also the population each channel's scores are standardized over.</summary>
    public int CandidatesPerChannel { get; init; } = 100;

    /// <summary>BM25 term-frequency saturation of the lexical and temporal channels.</summary>
    public double Bm25K1 { get; init; } = 1.2;

    /// <summary>
    /// BM25 length normalization of the lexical and temporal channels. Lower than the textbook 0.75: chat turns are
    /// short, and full normalization lifts a five-word reply that repeats one query word over the statement that
    /// holds the fact (LoCoMo dev R@25 0.903 -> 0.915 with entry vectors alone, flat over b 0.0-0.3; docs/BENCHMARKS.md, round 4).
    /// </summary>
    public double Bm25B { get; init; } = 0.3;

    /// <summary>
    /// The dense channel also embeds each sentence of a short multi-sentence entry (<see cref="RetrievalText.Parts"/>,
    /// kept in <see cref="Vectors.PartVectors"/>) and scores an entry cos(entry) + 0.5 x max(0, cos(best sentence) - cos(entry)).
    /// Costs about three extra vectors per chat turn at index time (and that much more to scan per query); false keeps one
    /// vector per entry.
    /// </summary>
    public bool SentenceViews { get; init; } = true;

    public double LexicalWeight { get; init; } = 1.0;
    public double DenseWeight { get; init; } = 1.0;

    /// <summary>Weight of the temporal channel: BM25 restricted to the time range the query names ("in May", "last week").</summary>
    public double TemporalWeight { get; init; } = 1.0;

    /// <summary>Added per extra channel that ranks an entry among its candidates: independent signals agreeing.</summary>
    public double AgreementBonus { get; init; } = 0.25;

    /// <summary>Temporal contiguity (EM-LLM): expand the strongest hits with their neighbours in the stream and let them lend score.</summary>
    public bool Expansion { get; init; } = true;

    /// <summary>How many of the strongest fused hits are expanded with their neighbours.</summary>
    public int ExpansionSeeds { get; init; } = 10;

    /// <summary>Neighbours within this many entries (same stream and session) of a seed join the candidates.</summary>
    public int NeighbourWindow { get; init; } = 2;

    /// <summary>An entry moves this share of the way up to a stronger adjacent neighbour's score (halved per further step).</summary>
    public double NeighbourShare { get; init; } = 0.4;

    /// <summary>Weight of the content prior: times the log of an entry's token count, relative to a 20-token turn (<see cref="EntryPrior"/>). 0 turns it off.</summary>
    public double ContentPrior { get; init; } = 0.6;

    /// <summary>Gained by turns of the speakers a query names, and lost by the other speakers' turns (<see cref="EntryPrior"/>). 0 turns it off.</summary>
    public double SpeakerPrior { get; init; } = 0.25;

    /// <summary>Lost by entries that ask a question rather than state something (<see cref="EntryPrior"/>). 0 turns it off.</summary>
    public double QuestionPrior { get; init; } = 0.5;

    /// <summary>Every entry gains this share of its session's best score (max-sim aggregation: episodes are recalled whole).</summary>
    public double SessionShare { get; init; } = 0.5;

    /// <summary>
    /// How many of the leading sessions (in ranked order, after expansion) <see cref="EpisodeLead"/> compares to choose
    /// the session whose best entry leads the results. 0 (or 1) keeps the expanded order.
    /// </summary>
    public int LeadSessions { get; init; } = 5;

    /// <summary>In <see cref="EpisodeLead"/>, weight of a session's second-best entry score beside its best.</summary>
    public double LeadSecondWeight { get; init; } = 0.4;

    /// <summary>In <see cref="EpisodeLead"/>, added per hit among each channel's first <see cref="LeadVoteDepth"/> that lies in the session.</summary>
    public double LeadVoteWeight { get; init; } = 0.2;

    /// <summary>How deep into each channel's own ranking <see cref="EpisodeLead"/> counts a session's hits.</summary>
    public int LeadVoteDepth { get; init; } = 10;
}
