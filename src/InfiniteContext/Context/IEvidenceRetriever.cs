namespace InfiniteContext.Context;

/// <summary>Where the assembler gets evidence: BM25 today, fused lexical + dense + temporal retrieval as it grows.</summary>
public interface IEvidenceRetriever
{
    Task<IReadOnlyList<SearchHit>> RetrieveAsync(string query, SearchFilter filter, int top, CancellationToken cancellationToken);
}
