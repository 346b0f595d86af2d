namespace InfiniteContext.Vectors;

/// <summary>
/// The k best (score, row) pairs of a first pass that keeps thousands of them (the projected scan's rescoring window),
/// where a heap's log k work per accepted row costs more than the scan itself. Keys pack the score (order-preserving
/// bits) above the row, so the order is total (ties to the higher row) and the result does not depend on the order rows
/// were offered in; a buffer of 2k fills, a selection keeps its best k and raises the bar a row must pass. The buffer is
/// pooled (at 6,400 candidates it would be a large-object allocation per query) and goes back when the rows are read.
/// </summary>
internal sealed class TopCandidates
{
    private readonly int _k;
    private long[] _keys;
    private int _count;
    private long _bar = long.MinValue; // a key must exceed this to be kept (the k-th best once the buffer first filled)

    public TopCandidates(int k)
    {
        _k = Math.Max(1, k);
        _keys = System.Buffers.ArrayPool<long>.Shared.Rent(2 * _k);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Offer(int row, float score)
    {
        // Most rows of a scan fail the bar: that test is all they cost.
        long key = Key(score, row);
        if (key > _bar) Keep(key);
    }

    private void Keep(long key)
    {
        _keys[_count++] = key;
        if (_count == 2 * _k) Shrink();
    }

    /// <summary>Adds another pass's candidates (the other half of a two-core scan).</summary>
    public void Merge(TopCandidates other)
    {
        for (int i = 0; i < other._count; i++)
        {
            long key = other._keys[i];
            if (key > _bar) Keep(key);
        }
        other.Release();
    }

    /// <summary>The rows of the best k, in ascending row order. Ends this set (its buffer goes back to the pool).</summary>
    public int[] Rows()
    {
        if (_count > _k) Shrink();
        var rows = new int[_count];
        for (int i = 0; i < _count; i++) rows[i] = (int)(uint)_keys[i];
        Array.Sort(rows);
        Release();
        return rows;
    }

    private void Release()
    {
        if (_keys.Length == 0) return;
        System.Buffers.ArrayPool<long>.Shared.Return(_keys);
        _keys = [];
        _count = 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static long Key(float score, int row)
    {
        // IEEE bits ordered as signed ints: negatives flipped so that a larger float is a larger int.
        int bits = BitConverter.SingleToInt32Bits(score);
        bits ^= (bits >> 31) & int.MaxValue; // branch-free: scores near zero take both signs
        return ((long)bits << 32) | (uint)row;
    }

    /// <summary>Keeps the k largest keys at the front (quickselect) and makes the k-th the new bar.</summary>
    private void Shrink()
    {
        int lo = 0, hi = _count - 1, target = _k - 1; // descending: position k-1 holds the k-th largest
        var keys = _keys;
        while (lo < hi)
        {
            long pivot = Median(keys[lo], keys[lo + (hi - lo) / 2], keys[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] > pivot) i++;
                while (keys[j] < pivot) j--;
                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else break;
        }
        _count = Math.Min(_count, _k);
        long min = long.MaxValue;
        for (int i = 0; i < _count; i++) min = Math.Min(min, keys[i]);
        _bar = Math.Max(_bar, min);
    }

    private static long Median(long a, long b, long c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
