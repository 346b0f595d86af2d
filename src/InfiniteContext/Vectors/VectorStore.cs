using System.Buffers.Binary;
using System.Text;
using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// The persisted dense vectors of one model: an append-only file of fixed-size records
/// (seq, stream id, scale, int8 code, checksum), loaded whole into memory and scanned exactly.
/// Every batch is fsynced before it counts as covered, so a vector computed once is never computed again;
/// a torn last record (a crash mid-append) fails its checksum and is cut off on open.
/// Deletions (forget) rewrite the file without the deleted records.
/// </summary>
public sealed class VectorStore : IDisposable
{
    private const uint Magic = 0x43455649; // "IVEC"
    // 2: vectors embed RetrievalText (speaker-prefixed). Files of another version are derived data: rebuilt.
    private const int Version = 2;
    private const int HeaderSize = 128;

    private readonly string _path;
    private readonly bool _readOnly;
    private readonly Lock _gate = new();
    private FileStream? _file;
    private long[] _seqs = new long[1024];
    private int[] _streams = new int[1024];
    private float[] _scales = new float[1024];
    private sbyte[] _codes;
    private int _count;

    public int Dimensions { get; }
    public string ModelId { get; }
    private int RecordSize => 8 + 4 + 4 + Dimensions + 8;

    private VectorStore(string path, string modelId, int dimensions, bool readOnly)
    {
        _path = path;
        ModelId = modelId;
        Dimensions = dimensions;
        _readOnly = readOnly;
        _codes = new sbyte[1024 * dimensions];
    }

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Highest seq with a vector (0 if none): the indexer resumes after it.</summary>
    public long CoveredSeq
    {
        get { lock (_gate) return _count == 0 ? 0 : _seqs[_count - 1]; }
    }

    /// <summary>The file name (without extension) a model's vectors live under: the model id with unsafe characters replaced.</summary>
    public static string FileStem(string modelId) =>
        string.Concat(modelId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    public static VectorStore Open(string path, string modelId, int dimensions, bool readOnly)
    {
        var store = new VectorStore(path, modelId, dimensions, readOnly);
        store.Load();
        return store;
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            if (_readOnly) return;
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            _file.Write(Header());
            _file.Flush(flushToDisk: true);
            return;
        }
        var data = File.ReadAllBytes(_path);
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
            throw new InvalidDataException($"'{_path}' is not a vector file.");
        if (BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4)) != Version)
        {
            if (_readOnly) throw new InvalidDataException($"'{_path}' was built by another version of InfiniteContext: run 'infctx index' to rebuild it.");
            File.Delete(_path);
            Load();
            return;
        }
        int dims = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(8));
        string model = Encoding.UTF8.GetString(data, 16, data[12]);
        if (dims != Dimensions || model != ModelId)
            throw new InvalidDataException($"'{_path}' holds {model} vectors of {dims} dimensions, not {ModelId} ({Dimensions}).");
        int valid = 0;
        for (long off = HeaderSize; off + RecordSize <= data.Length; off += RecordSize)
        {
            var record = data.AsSpan((int)off, RecordSize);
            if (ContentHash.Compute(record[..^8]) != BinaryPrimitives.ReadUInt64LittleEndian(record[^8..])) break;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(record);
            if (_count > 0 && seq <= _seqs[_count - 1]) break;
            AppendInMemory(seq, BinaryPrimitives.ReadInt32LittleEndian(record[8..]), BinaryPrimitives.ReadSingleLittleEndian(record[12..]),
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(record.Slice(16, Dimensions)));
            valid++;
        }
        if (!_readOnly)
        {
            _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            long end = HeaderSize + (long)valid * RecordSize;
            if (_file.Length != end) _file.SetLength(end); // drop a torn tail
            _file.Position = end;
        }
    }

    private byte[] Header()
    {
        var h = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(8), Dimensions);
        var model = Encoding.UTF8.GetBytes(ModelId);
        if (model.Length > HeaderSize - 16) throw new ArgumentException("Model id too long.");
        h[12] = (byte)model.Length;
        model.CopyTo(h, 16);
        return h;
    }

    private void AppendInMemory(long seq, int stream, float scale, ReadOnlySpan<sbyte> code)
    {
        if (_count == _seqs.Length)
        {
            int n = _count * 2;
            Array.Resize(ref _seqs, n);
            Array.Resize(ref _streams, n);
            Array.Resize(ref _scales, n);
            Array.Resize(ref _codes, n * Dimensions);
        }
        _seqs[_count] = seq;
        _streams[_count] = stream;
        _scales[_count] = scale;
        code.CopyTo(_codes.AsSpan(_count * Dimensions, Dimensions));
        _count++;
    }

    /// <summary>Appends a batch (ascending seqs above <see cref="CoveredSeq"/>) durably.</summary>
    public void Append(IReadOnlyList<(long Seq, int StreamId, ReadOnlyMemory<float> Vector)> batch)
    {
        if (_readOnly || _file is null) throw new InvalidOperationException("The vector store is open read-only.");
        var buffer = new byte[RecordSize * batch.Count];
        var codes = new sbyte[Dimensions];
        lock (_gate)
        {
            long last = _count == 0 ? 0 : _seqs[_count - 1];
            var encoded = new (long, int, float, sbyte[])[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                var (seq, stream, vector) = batch[i];
                if (seq <= last) throw new InvalidOperationException($"Vector for seq {seq} arrives after seq {last}.");
                if (vector.Length != Dimensions) throw new ArgumentException($"Vector for seq {seq} has {vector.Length} dimensions, not {Dimensions}.");
                last = seq;
                var code = new sbyte[Dimensions];
                float scale = Int8VectorCodec.Encode(vector.Span, code);
                var record = buffer.AsSpan(i * RecordSize, RecordSize);
                BinaryPrimitives.WriteInt64LittleEndian(record, seq);
                BinaryPrimitives.WriteInt32LittleEndian(record[8..], stream);
                BinaryPrimitives.WriteSingleLittleEndian(record[12..], scale);
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(code.AsSpan()).CopyTo(record[16..]);
                BinaryPrimitives.WriteUInt64LittleEndian(record[^8..], ContentHash.Compute(record[..^8]));
                encoded[i] = (seq, stream, scale, code);
            }
            _file.Write(buffer);
            _file.Flush(flushToDisk: true);
            foreach (var (seq, stream, scale, code) in encoded) AppendInMemory(seq, stream, scale, code);
        }
    }

    /// <summary>Removes the vectors of forgotten entries, on disk too (the file is rewritten without them).</summary>
    public int Delete(IReadOnlyCollection<long> seqs)
    {
        if (seqs.Count == 0) return 0;
        var doomed = seqs as IReadOnlySet<long> ?? seqs.ToHashSet();
        lock (_gate)
        {
            int kept = 0;
            for (int i = 0; i < _count; i++)
            {
                if (doomed.Contains(_seqs[i])) continue;
                if (kept != i)
                {
                    _seqs[kept] = _seqs[i];
                    _streams[kept] = _streams[i];
                    _scales[kept] = _scales[i];
                    _codes.AsSpan(i * Dimensions, Dimensions).CopyTo(_codes.AsSpan(kept * Dimensions, Dimensions));
                }
                kept++;
            }
            int removed = _count - kept;
            _count = kept;
            if (removed > 0 && !_readOnly) Rewrite();
            return removed;
        }
    }

    private void Rewrite()
    {
        string tmp = _path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(Header());
            var record = new byte[RecordSize];
            for (int i = 0; i < _count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(record, _seqs[i]);
                BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), _streams[i]);
                BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(12), _scales[i]);
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(_codes.AsSpan(i * Dimensions, Dimensions)).CopyTo(record.AsSpan(16));
                BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(RecordSize - 8), ContentHash.Compute(record.AsSpan(0, RecordSize - 8)));
                f.Write(record);
            }
            f.Flush(flushToDisk: true);
        }
        _file?.Dispose();
        File.Move(tmp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _file.Position = _file.Length;
    }

    /// <summary>
    /// Exact top-k by cosine (query is a unit vector) over the vectors of the given streams (null: all), and
    /// only of the given seqs when <paramref name="allowed"/> is set (filters on time, role, speaker, session).
    /// </summary>
    public IReadOnlyList<ScoredDoc> Search(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int top, IReadOnlySet<long>? allowed = null)
    {
        if (query.Length != Dimensions) throw new ArgumentException($"Query has {query.Length} dimensions, not {Dimensions}.", nameof(query));
        if (top <= 0) return [];
        var q = new sbyte[Dimensions];
        float qScale = Int8VectorCodec.Encode(query, q);
        var heap = new PriorityQueue<long, (float, long)>(top + 1);
        lock (_gate)
        {
            int single = streamIds is { Count: 1 } one ? one.First() : -1;
            for (int i = 0; i < _count; i++)
            {
                int s = _streams[i];
                if (single >= 0 ? s != single : streamIds is not null && !streamIds.Contains(s)) continue;
                if (allowed is not null && !allowed.Contains(_seqs[i])) continue;
                float score = Int8VectorCodec.Dot(q, _codes.AsSpan(i * Dimensions, Dimensions)) * qScale * _scales[i];
                var key = (score, _seqs[i]);
                if (heap.Count < top) heap.Enqueue(_seqs[i], key);
                else if (heap.TryPeek(out _, out var min) && (score > min.Item1 || (score == min.Item1 && _seqs[i] > min.Item2))) heap.EnqueueDequeue(_seqs[i], key);
            }
        }
        var result = new ScoredDoc[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out long seq, out var key);
            result[i] = new ScoredDoc(seq, key.Item1);
        }
        return result;
    }

    public void Dispose()
    {
        lock (_gate) _file?.Dispose();
    }
}
