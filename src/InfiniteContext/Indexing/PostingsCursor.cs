using System.Buffers.Binary;

namespace InfiniteContext.Indexing;

/// <summary>
/// Walks one term's postings, (doc, tf) in ascending doc order, from either an on-disk segment
/// (varint doc deltas and tfs, with a skip block every <see cref="SkipBlocks.Size"/> postings) or the
/// in-memory tail (parallel arrays). A struct: no allocation per term.
///
/// Both <see cref="Next"/> and <see cref="Advance"/> consume the posting they return. Advance jumps whole
/// blocks through the skip data (segments) or binary-searches (tail), so pruned search decodes only the
/// blocks that may hold a candidate. <see cref="MaxTf"/> and <see cref="MinLengthPerTf"/> bound the whole list,
/// <see cref="BlockBound"/> one block: the ingredients of a BM25 upper bound.
/// </summary>
internal struct PostingsCursor
{
    private readonly byte[]? _bytes;
    private readonly int _start;
    private readonly int _end;
    private readonly int _skipAt;
    private int _pos;
    private int _doc;

    private readonly int[]? _docs;
    private readonly int[]? _tfs;
    private readonly int _count;
    private int _i;
    private int _shallow;

    /// <summary>Postings in the list (the source's document frequency of the term).</summary>
    public readonly int Count => _count;

    /// <summary>The largest term frequency in the list.</summary>
    public int MaxTf { get; }

    /// <summary>The smallest (document length / tf) in the list, rounded down.</summary>
    public float MinLengthPerTf { get; }

    public PostingsCursor(byte[] bytes, int start, int end, int count, int skipAt, int maxTf, float minLengthPerTf)
    {
        _bytes = bytes;
        _start = _pos = start;
        _end = end;
        _count = count;
        _skipAt = skipAt;
        _doc = -1;
        _docs = null;
        _tfs = null;
        _i = 0;
        _shallow = 0;
        MaxTf = maxTf;
        MinLengthPerTf = minLengthPerTf;
    }

    public PostingsCursor(int[] docs, int[] tfs, int count, int maxTf, float minLengthPerTf)
    {
        _bytes = null;
        _start = _pos = _end = _skipAt = 0;
        _doc = -1;
        _docs = docs;
        _tfs = tfs;
        _count = count;
        _i = 0;
        _shallow = 0;
        MaxTf = maxTf;
        MinLengthPerTf = minLengthPerTf;
    }

    public bool Next(out int doc, out int tf)
    {
        if (_bytes is not null)
        {
            if (_pos >= _end)
            {
                doc = tf = 0;
                return false;
            }
            _doc += (int)VarInt.Read(_bytes, ref _pos) + 1;
            tf = (int)VarInt.Read(_bytes, ref _pos);
            doc = _doc;
            _i++;
            return true;
        }
        if (_i >= _count)
        {
            doc = tf = 0;
            return false;
        }
        doc = _docs![_i];
        tf = _tfs![_i];
        _i++;
        return true;
    }

    /// <summary>Consumes postings up to and including the first with doc &gt;= <paramref name="target"/>; false when there is none.</summary>
    public bool Advance(int target, out int doc, out int tf)
    {
        if (_bytes is not null)
        {
            // Skip whole blocks whose last doc is below the target: their postings are never decoded.
            int next = _i >> SkipBlocks.Shift;
            int k = FindBlock(next, target);
            if (k < 0)
            {
                _pos = _end;
                _i = _count;
                doc = tf = 0;
                return false;
            }
            if (k > next)
            {
                int at = _skipAt + (k - 1) * SkipBlocks.EntryBytes;
                _doc = BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(at));
                _pos = _start + BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(at + 4));
                _i = k << SkipBlocks.Shift;
            }
        }
        else if (_i < _count && _docs![_i] < target)
        {
            // Galloping then binary search over the tail's sorted doc array.
            int lo = _i, step = 1, hi = _i + 1;
            while (hi < _count && _docs[hi] < target)
            {
                lo = hi;
                step <<= 1;
                hi = Math.Min(_count, _i + step);
            }
            if (hi >= _count) hi = _count;
            int idx = Array.BinarySearch(_docs, lo, hi - lo, target);
            _i = idx >= 0 ? idx : ~idx;
        }
        while (Next(out doc, out tf))
            if (doc >= target) return true;
        return false;
    }

    /// <summary>
    /// Bounds of the block holding the first posting with doc &gt;= <paramref name="target"/> (from the current block on),
    /// without decoding it: its last doc, largest tf and smallest length per tf. False when no posting is left there.
    /// The in-memory tail has one block: the whole list.
    /// </summary>
    public bool BlockBound(int target, out int lastDoc, out int maxTf, out float minLengthPerTf)
    {
        if (_bytes is null)
        {
            bool any = _count > 0 && _docs![_count - 1] >= target;
            lastDoc = any ? _docs![_count - 1] : 0;
            maxTf = MaxTf;
            minLengthPerTf = MinLengthPerTf;
            return any;
        }
        int from = Math.Max(_shallow, _i == 0 ? 0 : (_i - 1) >> SkipBlocks.Shift);
        int k = FindBlock(from, target);
        if (k < 0)
        {
            lastDoc = maxTf = 0;
            minLengthPerTf = 0;
            return false;
        }
        _shallow = k;
        int at = _skipAt + k * SkipBlocks.EntryBytes;
        var span = _bytes.AsSpan(at);
        lastDoc = BinaryPrimitives.ReadInt32LittleEndian(span);
        maxTf = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        minLengthPerTf = BinaryPrimitives.ReadSingleLittleEndian(span[12..]);
        return true;
    }

    /// <summary>The first block at or after <paramref name="from"/> whose last doc is &gt;= target, or -1.</summary>
    private readonly int FindBlock(int from, int target)
    {
        int blocks = (_count + SkipBlocks.Size - 1) >> SkipBlocks.Shift;
        var bytes = _bytes!;
        // Galloping: most advances move a few blocks, some move far.
        int lo = from, step = 1, hi = from;
        while (hi < blocks && LastDoc(bytes, hi) < target)
        {
            lo = hi + 1;
            hi = from + step;
            step <<= 1;
        }
        if (hi >= blocks)
        {
            hi = blocks - 1;
            if (lo > hi || LastDoc(bytes, hi) < target) return -1;
        }
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (LastDoc(bytes, mid) < target) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private readonly int LastDoc(byte[] bytes, int block) =>
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(_skipAt + block * SkipBlocks.EntryBytes));
}

/// <summary>The skip data of a segment's postings list: one entry per block of <see cref="Size"/> postings.</summary>
internal static class SkipBlocks
{
    public const int Shift = 7;
    public const int Size = 1 << Shift;

    /// <summary>lastDoc i32, end byte offset of the block relative to the list's start i32, max tf i32, min length/tf f32.</summary>
    public const int EntryBytes = 16;

    public static int Count(int postings) => (postings + Size - 1) >> Shift;
}
