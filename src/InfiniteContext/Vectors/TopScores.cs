using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// The k best (score, seq) pairs seen, ties to the higher seq: the order is total, so the result does not depend
/// on the order rows were offered in (exact scan, filtered lookup, or IVF lists).
/// </summary>
internal sealed class TopScores(int k)
{
    private readonly PriorityQueue<long, (float Score, long Seq)> _heap = new(k + 1);

    public void Offer(long seq, float score)
    {
        if (_heap.Count < k) _heap.Enqueue(seq, (score, seq));
        else if (_heap.TryPeek(out _, out var min) && (score > min.Score || (score == min.Score && seq > min.Seq))) _heap.EnqueueDequeue(seq, (score, seq));
    }

    /// <summary>Best first; empties the set.</summary>
    public ScoredDoc[] Drain()
    {
        var result = new ScoredDoc[_heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out long seq, out var key);
            result[i] = new ScoredDoc(seq, key.Score);
        }
        return result;
    }
}
