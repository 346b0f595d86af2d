using InfiniteContext.Indexing;

namespace InfiniteContext.Retrieval;

/// <summary>One independent ranking of candidates (BM25, embedding similarity, the temporal range) and its weight in fusion.</summary>
public sealed record RankingChannel(string Name, IReadOnlyList<ScoredDoc> Hits, double Weight);
