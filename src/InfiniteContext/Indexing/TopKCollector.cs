namespace InfiniteContext.Indexing;

/// <summary>
/// The best <c>top</c> (score, seq) pairs seen, under one total order: higher score first, and on equal scores the
/// newer entry (higher seq). Since the order is total, the result does not depend on the order documents are offered in.
/// </summary>
internal sealed class TopKCollector(int top)
{
    private readonly PriorityQueue<long, (float Score, long Seq)> _heap = new(top + 1, HeapOrder.Instance);

    public bool IsFull => _heap.Count >= top;

    /// <summary>The weakest kept score once full (a document must reach it to get in), else negative infinity.</summary>
    public float Threshold => IsFull && _heap.TryPeek(out _, out var weakest) ? weakest.Score : float.NegativeInfinity;

    /// <summary>Offers a document; true if it was kept.</summary>
    public bool Offer(float score, long seq)
    {
        var key = (score, seq);
        if (_heap.Count < top)
        {
            _heap.Enqueue(seq, key);
            return true;
        }
        if (_heap.TryPeek(out _, out var weakest) && HeapOrder.Instance.Compare(key, weakest) > 0)
        {
            _heap.EnqueueDequeue(seq, key);
            return true;
        }
        return false;
    }

    /// <summary>The kept documents, best first.</summary>
    public ScoredDoc[] Drain()
    {
        var result = new ScoredDoc[_heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out _, out var key);
            result[i] = new ScoredDoc(key.Seq, key.Score);
        }
        return result;
    }

    private sealed class HeapOrder : IComparer<(float Score, long Seq)>
    {
        public static readonly HeapOrder Instance = new();
        public int Compare((float Score, long Seq) x, (float Score, long Seq) y)
        {
            int c = x.Score.CompareTo(y.Score);
            return c != 0 ? c : x.Seq.CompareTo(y.Seq);
        }
    }
}
