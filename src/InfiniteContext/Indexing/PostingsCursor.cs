namespace InfiniteContext.Indexing;

/// <summary>
/// Walks one term's postings, (doc, tf) in ascending doc order, from either an on-disk segment
/// (varint doc deltas and tfs) or the in-memory tail (parallel arrays). A struct: no allocation per term.
/// </summary>
internal struct PostingsCursor
{
    private readonly byte[]? _bytes;
    private readonly int _end;
    private int _pos;
    private int _doc;

    private readonly int[]? _docs;
    private readonly int[]? _tfs;
    private readonly int _count;
    private int _i;

    public PostingsCursor(byte[] bytes, int start, int end)
    {
        _bytes = bytes;
        _pos = start;
        _end = end;
        _doc = -1;
        _docs = null;
        _tfs = null;
        _count = 0;
        _i = 0;
    }

    public PostingsCursor(int[] docs, int[] tfs, int count)
    {
        _bytes = null;
        _pos = 0;
        _end = 0;
        _doc = -1;
        _docs = docs;
        _tfs = tfs;
        _count = count;
        _i = 0;
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
}
