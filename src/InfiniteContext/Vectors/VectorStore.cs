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
/// Beside the file live two derived files for queries over many vectors (see <see cref="VectorIndexOptions"/>): every
/// row's short projected code (<see cref="PrincipalProjection"/>, <c>.proj</c>), scored first by the projected scan, and
/// the approximate index (<see cref="IvfIndex"/>, <c>.ivf</c>), whose lists hold the same codes, for stores too large to scan.
/// Rows the projection keeps little of are scored by their full codes in both.
/// </summary>
public sealed class VectorStore : IDisposable
{
    private const uint Magic = 0x43455649; // "IVEC"
    // 2: vectors embed RetrievalText (speaker-prefixed). Files of another version are derived data: rebuilt.
    private const int Version = 2;
    private const int HeaderSize = 128;

    private readonly string _path;
    private readonly string _indexPath;
    private readonly string _projectionPath;
    private readonly bool _readOnly;
    private readonly VectorIndexOptions _options;
    // The row arrays and the derived structures they feed: searches read them together (any number at once), appends,
    // swaps and deletions change them alone. Not recursive: nothing under it takes it again.
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _writer = new();   // one writer at a time (append, delete), held while an index trains outside _gate
    private FileStream? _file;
    private long[] _seqs = new long[1024];
    private int[] _streams = new int[1024];
    private float[] _scales = new float[1024];
    private sbyte[] _codes;
    private int[] _lists = new int[1024];      // the IVF list of each row (meaningful while _index is set)
    private readonly Dictionary<int, int> _streamCounts = [];
    private int _count;
    private IvfIndex? _index;
    private FileStream? _indexFile;
    private PrincipalProjection? _projection;
    private sbyte[] _projected = [];            // rows x rank projected codes (while _projection is set)
    private float[] _projectedScales = [];
    private FileStream? _projectionFile;
    // Rows the projection keeps little of (below the share its own training rows' 1% quantile keeps): content unlike the
    // rows the directions came from, which their projected codes cannot tell apart. Every projected or probed search
    // scores them by their full codes, from this contiguous copy; the flags keep the rescoring from scoring them twice.
    private bool[] _exactRow = new bool[1024];
    private IvfIndex.InvertedList _exactRows = new();
    private float _keptBelow;                   // the kept share under which a row is flagged (set with the projection and its flags)

    private GateScope Reading()
    {
        _gate.EnterReadLock();
        return new GateScope(_gate, write: false);
    }

    private GateScope Writing()
    {
        _gate.EnterWriteLock();
        return new GateScope(_gate, write: true);
    }

    private readonly struct GateScope(ReaderWriterLockSlim gate, bool write) : IDisposable
    {
        public void Dispose()
        {
            if (write) gate.ExitWriteLock();
            else gate.ExitReadLock();
        }
    }

    public int Dimensions { get; }
    public string ModelId { get; }
    private int RecordSize => 8 + 4 + 4 + Dimensions + 8;

    private VectorStore(string path, string modelId, int dimensions, bool readOnly, VectorIndexOptions options)
    {
        _path = path;
        _indexPath = Path.ChangeExtension(path, ".ivf");
        _projectionPath = Path.ChangeExtension(path, ".proj");
        _options = options;
        ModelId = modelId;
        Dimensions = dimensions;
        _readOnly = readOnly;
        _codes = new sbyte[1024 * dimensions];
    }

    public int Count
    {
        get { using (Reading()) return _count; }
    }

    /// <summary>Highest seq with a vector (0 if none): the indexer resumes after it.</summary>
    public long CoveredSeq
    {
        get { using (Reading()) return _count == 0 ? 0 : _seqs[_count - 1]; }
    }

    /// <summary>The file name (without extension) a model's vectors live under: the model id with unsafe characters replaced.</summary>
    public static string FileStem(string modelId) =>
        string.Concat(modelId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    /// <summary>Whether queries over enough vectors are answered from the approximate index (it is trained).</summary>
    public bool HasApproximateIndex
    {
        get { using (Reading()) return _index is not null; }
    }

    internal IvfIndex? ApproximateIndex
    {
        get { using (Reading()) return _index; }
    }

    /// <summary>
    /// How a search over all the vectors is answered now: "exact scan", "projected scan (128 of 384 directions)" or
    /// "IVF index (36 of 316 lists probed)" (filtered searches may scan exactly instead). For stats.
    /// </summary>
    public string SearchMethod
    {
        get
        {
            using (Reading())
            {
                int probes = ProbesFor(null, null);
                if (probes > 0) return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"IVF index ({probes} of {_index!.ListCount} lists probed)");
                if (Projects(_count))
                    return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"projected scan ({_projection!.Rank} of {Dimensions} directions)");
                return "exact scan";
            }
        }
    }

    /// <summary>A copy of every row's int8 code (rows x dimensions) and scale, in row order (for measuring other indexes on real vectors).</summary>
    internal (sbyte[] Codes, float[] Scales) CopyRows()
    {
        using (Reading()) return (_codes.AsSpan(0, _count * Dimensions).ToArray(), _scales.AsSpan(0, _count).ToArray());
    }

    /// <summary>The seqs of the rows the projection keeps little of, which every projected or probed search scores by their full codes.</summary>
    internal HashSet<long> ExactlyScoredSeqs()
    {
        using (Reading()) return _exactRows.Seqs.AsSpan(0, _exactRows.Count).ToArray().ToHashSet();
    }

    /// <summary>The directions of the projected scan, once computed.</summary>
    internal PrincipalProjection? Projection
    {
        get { using (Reading()) return _projection; }
    }

    public static VectorStore Open(string path, string modelId, int dimensions, bool readOnly, VectorIndexOptions? options = null)
    {
        var store = new VectorStore(path, modelId, dimensions, readOnly, options ?? VectorIndexOptions.Default);
        store.Load();
        store.LoadProjection(); // first: the index's lists hold the rows' projected codes
        store.LoadIndex();
        return store;
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            if (_readOnly) return;
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            if (File.Exists(_indexPath)) File.Delete(_indexPath); // an index of vectors that are gone
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
            throw new VectorModelMismatchException(
                $"'{_path}' holds {model} vectors of {dims} dimensions, but the model now configured is {ModelId} with {Dimensions}: " +
                "vectors of different models or lengths are never mixed. Use another model id, or delete the file to recompute every vector.");
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
            Array.Resize(ref _lists, n);
            Array.Resize(ref _exactRow, n);
            if (_projection is not null)
            {
                Array.Resize(ref _projected, n * _projection.Rank);
                Array.Resize(ref _projectedScales, n);
            }
        }
        _seqs[_count] = seq;
        _streams[_count] = stream;
        _scales[_count] = scale;
        code.CopyTo(_codes.AsSpan(_count * Dimensions, Dimensions));
        _streamCounts[stream] = _streamCounts.GetValueOrDefault(stream) + 1;
        _count++;
    }

    /// <summary>Appends a batch (ascending seqs above <see cref="CoveredSeq"/>) durably.</summary>
    public void Append(IReadOnlyList<(long Seq, int StreamId, ReadOnlyMemory<float> Vector)> batch)
    {
        if (_readOnly || _file is null) throw new InvalidOperationException("The vector store is open read-only.");
        var buffer = new byte[RecordSize * batch.Count];
        lock (_writer)
        {
            // The fsync (milliseconds) happens before the readers' lock is taken: searches go on meanwhile, and only the
            // in-memory append and the derived structures' catch-up hold them up. Rows only change under _writer, held here.
            var encoded = WriteDurably(batch, buffer);
            (int Index, int Projection) due = default;
            using (Writing())
            {
                int first = _count;
                foreach (var (seq, stream, scale, code) in encoded) AppendInMemory(seq, stream, scale, code);
                // The projection first: the index files the new rows' projected codes.
                due.Projection = CatchUpProjection(first);
                due.Index = CatchUpIndex(first);
            }
            // Training reads only rows that stay put while _writer is held; searches meanwhile use the old index or the scan.
            // The projection first again: a new index's lists copy the projected codes.
            if (due.Projection > 0) RetrainProjection(due.Projection);
            if (due.Index > 0) Retrain(due.Index);
        }
    }

    /// <summary>Checks, encodes, writes and fsyncs the batch (called with _writer held); returns the encoded rows.</summary>
    private (long Seq, int Stream, float Scale, sbyte[] Code)[] WriteDurably(IReadOnlyList<(long Seq, int StreamId, ReadOnlyMemory<float> Vector)> batch, byte[] buffer)
    {
        long last = _count == 0 ? 0 : _seqs[_count - 1];
        var encoded = new (long Seq, int Stream, float Scale, sbyte[] Code)[batch.Count];
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
        _file!.Write(buffer);
        _file.Flush(flushToDisk: true);
        return encoded;
    }

    /// <summary>
    /// Opens the persisted approximate index and assigns the rows it does not cover yet; trains a new one when the file
    /// is missing, damaged, or trained on fewer vectors than the store now calls for. A reader builds it in memory only.
    /// </summary>
    private void LoadIndex()
    {
        if (_options.ApproximateFrom <= 0) return;
        // Below the threshold no index is used, so none is held (a file left from a lower threshold stays on disk).
        int trainingSize = IvfIndex.TrainingSize(_count, _options.ApproximateFrom);
        // Its lists hold projected codes: a reader without a projection file scans instead (a writer always has one here).
        if (trainingSize == 0 || _projection is null) return;
        if (IvfIndexFile.TryRead(_indexPath, Dimensions) is not { } read || read.Index.TrainedCount < trainingSize)
        {
            Retrain(trainingSize);
            return;
        }
        _index = read.Index;
        var records = read.Records;
        bool inOrder = MatchRecords(records.Count, k => records[k].Seq, out var recordOfRow, out int matched);
        for (int r = 0; r < _count; r++)
            _lists[r] = recordOfRow[r] >= 0 ? records[recordOfRow[r]].List : _index.Assign(_codes.AsSpan(r * Dimensions, Dimensions), _scales[r]);
        ResetLists();
        if (_readOnly) return;
        if (!inOrder)
        {
            IvfIndexFile.Write(_indexPath, _index, _seqs.AsSpan(0, _count), _lists.AsSpan(0, _count), Dimensions);
        }
        _indexFile = DerivedFile.OpenForAppend(_indexPath, inOrder ? read.ValidLength : null);
        if (inOrder && matched < _count) IvfIndexFile.Append(_indexFile, _seqs.AsSpan(matched, _count - matched), _lists.AsSpan(matched, _count - matched));
    }

    /// <summary>
    /// Pairs a derived file's records (ascending seqs) with the rows: the record of each row, or -1 for a row the file does
    /// not cover (a tail appended after its last flush), skipping records of seqs no longer here (forgotten before a
    /// crash). True when the records are exactly the first <paramref name="matched"/> rows, so the file can be appended to.
    /// </summary>
    private bool MatchRecords(int recordCount, Func<int, long> recordSeq, out int[] recordOfRow, out int matched)
    {
        recordOfRow = new int[_count];
        int k = 0;
        matched = 0;
        bool inOrder = true;
        for (int r = 0; r < _count; r++)
        {
            while (k < recordCount && recordSeq(k) < _seqs[r])
            {
                k++;
                inOrder = false;
            }
            if (k < recordCount && recordSeq(k) == _seqs[r])
            {
                recordOfRow[r] = k++;
                if (matched++ != r) inOrder = false;
            }
            else
            {
                recordOfRow[r] = -1;
            }
        }
        if (k < recordCount) inOrder = false;
        return inOrder;
    }

    /// <summary>
    /// Opens the persisted projection and projects the rows it does not cover yet; computes the directions when the file
    /// is missing, damaged, or computed from fewer rows than the store now calls for. A reader does not compute them (about
    /// a second per 100,000 rows, more than a one-shot search saves): without a file it scans exactly, and an older file's
    /// directions serve it as they are.
    /// </summary>
    private void LoadProjection()
    {
        int trainingSize = IvfIndex.TrainingSize(_count, ProjectionFrom);
        if (trainingSize == 0) return;
        int rank = PrincipalProjection.RankFor(Dimensions);
        var read = ProjectionFile.TryRead(_projectionPath, Dimensions, rank);
        if (read is null || (read.Value.Projection.TrainedCount < trainingSize && !_readOnly))
        {
            if (!_readOnly) RetrainProjection(trainingSize);
            return;
        }
        var (projection, records, data, validLength) = read.Value;
        bool inOrder = MatchRecords(records.Count, k => records[k].Seq, out var recordOfRow, out int matched);
        var projected = new sbyte[_seqs.Length * rank];
        var scales = new float[_seqs.Length];
        for (int r = 0; r < _count; r++)
        {
            if (recordOfRow[r] < 0) continue;
            var record = records[recordOfRow[r]];
            scales[r] = record.Scale;
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(data.AsSpan(record.Offset, rank)).CopyTo(projected.AsSpan(r * rank, rank));
        }
        // Rows the file does not cover (usually one tail), projected a run at a time.
        for (int r = 0; r < _count;)
        {
            if (recordOfRow[r] >= 0) { r++; continue; }
            int end = r;
            while (end < _count && recordOfRow[end] < 0) end++;
            projection.ProjectRange(_codes, _scales, r, end, projected, scales);
            r = end;
        }
        (_projection, _projected, _projectedScales) = (projection, projected, scales);
        (_exactRow, _exactRows, _keptBelow) = ExactRowsOf(projection, _count, _codes, _scales, _seqs, _streams, projected, scales);
        if (_readOnly) return;
        if (!inOrder) ProjectionFile.Write(_projectionPath, _projection, _seqs.AsSpan(0, _count), _projectedScales.AsSpan(0, _count), _projected.AsSpan(0, _count * rank));
        _projectionFile = DerivedFile.OpenForAppend(_projectionPath, inOrder ? validLength : null);
        if (inOrder && matched < _count)
            ProjectionFile.Append(_projectionFile, rank, _seqs.AsSpan(matched, _count - matched), _projectedScales.AsSpan(matched, _count - matched), _projected.AsSpan(matched * rank, (_count - matched) * rank));
    }

    /// <summary>After an append: projects the new rows; returns the training size now due, or 0.</summary>
    private int CatchUpProjection(int first)
    {
        if (ProjectionFrom <= 0) return 0;
        if (_projection is { } projection)
        {
            projection.ProjectRange(_codes, _scales, first, _count, _projected, _projectedScales);
            var kept = KeptShares(projection, first, _count, _codes, _scales, _projected, _projectedScales);
            for (int r = first; r < _count; r++) _exactRow[r] = kept[r - first] < _keptBelow;
            FileFlagged(_exactRows, _exactRow, first, _count, _seqs, _streams, _scales, _codes);
            if (_projectionFile is not null)
                ProjectionFile.Append(_projectionFile, projection.Rank, _seqs.AsSpan(first, _count - first), _projectedScales.AsSpan(first, _count - first),
                    _projected.AsSpan(first * projection.Rank, (_count - first) * projection.Rank));
        }
        int trainingSize = IvfIndex.TrainingSize(_count, ProjectionFrom);
        return trainingSize > (_projection?.TrainedCount ?? 0) ? trainingSize : 0;
    }

    /// <summary>Computes the directions from the first <paramref name="trainingSize"/> rows and projects every row off the readers' lock, then swaps them in (as <see cref="Retrain"/>).</summary>
    private void RetrainProjection(int trainingSize)
    {
        int count;
        sbyte[] codes;
        float[] scales;
        long[] seqs;
        int[] streams;
        using (Reading()) (count, codes, scales, seqs, streams) = (_count, _codes, _scales, _seqs, _streams);
        var projection = PrincipalProjection.Train(codes, scales, Dimensions, trainingSize);
        var projected = new sbyte[seqs.Length * projection.Rank];
        var projectedScales = new float[seqs.Length];
        projection.ProjectRange(codes, scales, 0, count, projected, projectedScales);
        var exact = ExactRowsOf(projection, count, codes, scales, seqs, streams, projected, projectedScales);
        using (Writing())
        {
            (_projection, _projected, _projectedScales) = (projection, projected, projectedScales);
            (_exactRow, _exactRows, _keptBelow) = exact;
            if (_index is not null) ResetLists(); // the lists' copies of the old codes
        }
        if (!_readOnly) RewriteProjection();
    }

    /// <summary>
    /// The rows to score exactly under a projection (flags sized like the row arrays, and their contiguous copy) and the
    /// kept share they fall below. Called from Open, or with _writer held and the arrays given those of the rows now.
    /// </summary>
    private (bool[] Flags, IvfIndex.InvertedList Rows, float Below) ExactRowsOf(PrincipalProjection projection, int count, sbyte[] codes, float[] scales,
        long[] seqs, int[] streams, sbyte[] projected, float[] projectedScales)
    {
        var kept = KeptShares(projection, 0, count, codes, scales, projected, projectedScales);
        float below = projection.KeptQuantile(kept, IvfIndex.StrayShare);
        var flags = new bool[seqs.Length];
        for (int r = 0; r < count; r++) flags[r] = kept[r] < below;
        var rows = new IvfIndex.InvertedList();
        rows.Clear(0, Dimensions);
        FileFlagged(rows, flags, 0, count, seqs, streams, scales, codes);
        return (flags, rows, below);
    }

    /// <summary>Appends the flagged rows among [from, to) to <paramref name="list"/> with their full codes.</summary>
    private void FileFlagged(IvfIndex.InvertedList list, bool[] flags, int from, int to, long[] seqs, int[] streams, float[] scales, sbyte[] codes)
    {
        for (int r = from; r < to; r++)
            if (flags[r]) list.Add(r, seqs[r], streams[r], scales[r], codes.AsSpan(r * Dimensions, Dimensions));
    }

    /// <summary>The <see cref="PrincipalProjection.Kept"/> share of rows [from, to), in order, in parallel past a few thousand.</summary>
    private float[] KeptShares(PrincipalProjection projection, int from, int to, sbyte[] codes, float[] scales, sbyte[] projected, float[] projectedScales)
    {
        const int chunk = 4096;
        int dims = Dimensions, rank = projection.Rank;
        var kept = new float[to - from];
        void Share(int start, int end, float[] buffer)
        {
            for (int r = start; r < end; r++)
                kept[r - from] = projection.Kept(codes.AsSpan(r * dims, dims), scales[r], projected.AsSpan(r * rank, rank), projectedScales[r], buffer);
        }
        if (to - from <= chunk) Share(from, to, new float[dims]);
        else Parallel.For(0, (to - from + chunk - 1) / chunk, block => Share(from + block * chunk, Math.Min(to, from + (block + 1) * chunk), new float[dims]));
        return kept;
    }

    /// <summary>The contiguous copy of the flagged rows again, after the rows were compacted.</summary>
    private void RefileExactRows()
    {
        _exactRows.Clear(_exactRows.Count, Dimensions);
        FileFlagged(_exactRows, _exactRow, 0, _count, _seqs, _streams, _scales, _codes);
    }

    /// <summary>The flagged rows by their full codes, straight into the result. Called under _gate.</summary>
    private void ScanExactRows(sbyte[] q, float qScale, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopScores best) =>
        ScoreExactly(_exactRows, skipFlagged: false, q, qScale, single, streamIds, allowed, best);

    /// <summary>A list of full codes (the stray list, the flagged rows) scored exactly, straight into the result.</summary>
    private void ScoreExactly(IvfIndex.InvertedList m, bool skipFlagged, sbyte[] q, float qScale, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopScores best)
    {
        for (int j = 0; j < m.Count; j++)
        {
            if ((skipFlagged && _exactRow[m.Rows[j]]) || !Passes(m.Streams[j], m.Seqs[j], single, streamIds, allowed)) continue;
            best.Offer(m.Seqs[j], Int8VectorCodec.Dot(q, m.Codes.AsSpan(j * Dimensions, Dimensions)) * qScale * m.Scales[j]);
        }
    }

    private void RewriteProjection()
    {
        _projectionFile?.Dispose();
        _projectionFile = null;
        ProjectionFile.Write(_projectionPath, _projection!, _seqs.AsSpan(0, _count), _projectedScales.AsSpan(0, _count), _projected.AsSpan(0, _count * _projection!.Rank));
        _projectionFile = DerivedFile.OpenForAppend(_projectionPath);
    }

    /// <summary>After an append: assigns the new rows to the current index's lists; returns the training size now due, or 0.</summary>
    private int CatchUpIndex(int first)
    {
        if (_options.ApproximateFrom <= 0) return 0;
        if (_index is not null)
        {
            _index.AssignRange(_codes, _scales, first, _count, _lists);
            int rank = _projection!.Rank;
            for (int r = first; r < _count; r++)
                _index.Add(_lists[r], r, _seqs[r], _streams[r], _scales[r], _codes.AsSpan(r * Dimensions, Dimensions), _projectedScales[r], _projected.AsSpan(r * rank, rank));
            if (_indexFile is not null) IvfIndexFile.Append(_indexFile, _seqs.AsSpan(first, _count - first), _lists.AsSpan(first, _count - first));
        }
        int trainingSize = IvfIndex.TrainingSize(_count, _options.ApproximateFrom);
        return trainingSize > (_index?.TrainedCount ?? 0) ? trainingSize : 0;
    }

    /// <summary>
    /// Trains a new index on the first <paramref name="trainingSize"/> rows and assigns every row, without holding the
    /// readers' lock (seconds at a million vectors), then swaps it in. Called with _writer held or from Open.
    /// </summary>
    private void Retrain(int trainingSize)
    {
        int count;
        sbyte[] codes;
        float[] scales;
        long[] seqs;
        int[] streams;
        sbyte[] projected;
        float[] projectedScales;
        int rank;
        using (Reading())
        {
            (count, codes, scales, seqs, streams) = (_count, _codes, _scales, _seqs, _streams);
            (projected, projectedScales, rank) = (_projected, _projectedScales, _projection!.Rank);
        }
        var index = IvfIndex.Train(codes, scales, Dimensions, trainingSize);
        var lists = new int[seqs.Length];
        index.AssignRange(codes, scales, 0, count, lists);
        index.Reset(lists.AsSpan(0, count), seqs.AsSpan(0, count), streams.AsSpan(0, count), scales.AsSpan(0, count), codes.AsSpan(0, count * Dimensions),
            projectedScales.AsSpan(0, count), projected.AsSpan(0, count * rank), rank);
        using (Writing())
        {
            _index = index;
            _lists = lists;
        }
        if (!_readOnly) RewriteIndex();
    }

    private void ResetLists() =>
        _index!.Reset(_lists.AsSpan(0, _count), _seqs.AsSpan(0, _count), _streams.AsSpan(0, _count), _scales.AsSpan(0, _count), _codes.AsSpan(0, _count * Dimensions),
            _projectedScales.AsSpan(0, _count), _projected.AsSpan(0, _count * _projection!.Rank), _projection.Rank);

    private void RewriteIndex()
    {
        _indexFile?.Dispose();
        _indexFile = null;
        IvfIndexFile.Write(_indexPath, _index!, _seqs.AsSpan(0, _count), _lists.AsSpan(0, _count), Dimensions);
        _indexFile = DerivedFile.OpenForAppend(_indexPath);
    }

    /// <summary>Removes the vectors of forgotten entries, on disk too (the file is rewritten without them).</summary>
    public int Delete(IReadOnlyCollection<long> seqs)
    {
        if (seqs.Count == 0) return 0;
        var doomed = seqs as IReadOnlySet<long> ?? seqs.ToHashSet();
        lock (_writer)
        using (Writing())
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
                    _lists[kept] = _lists[i];
                    _exactRow[kept] = _exactRow[i];
                    _codes.AsSpan(i * Dimensions, Dimensions).CopyTo(_codes.AsSpan(kept * Dimensions, Dimensions));
                    if (_projection is { Rank: var rank })
                    {
                        _projectedScales[kept] = _projectedScales[i];
                        _projected.AsSpan(i * rank, rank).CopyTo(_projected.AsSpan(kept * rank, rank));
                    }
                }
                kept++;
            }
            int removed = _count - kept;
            _count = kept;
            if (removed > 0)
            {
                _streamCounts.Clear();
                for (int i = 0; i < _count; i++) _streamCounts[_streams[i]] = _streamCounts.GetValueOrDefault(_streams[i]) + 1;
                // The index keeps its centroids (a partition stays valid when points leave it); its lists lose the rows.
                if (_index is not null) ResetLists();
                if (_projection is not null) RefileExactRows();
                if (!_readOnly)
                {
                    Rewrite();
                    if (_index is not null) RewriteIndex();
                    if (_projection is not null) RewriteProjection();
                }
            }
            return removed;
        }
    }

    /// <summary>Removes every vector of a seq above <paramref name="seq"/> (rows are in seq order, so these are the last rows).</summary>
    public int DeleteAfter(long seq)
    {
        var doomed = new List<long>();
        using (Reading())
        {
            int i = Array.BinarySearch(_seqs, 0, _count, seq + 1);
            for (i = i >= 0 ? i : ~i; i < _count; i++) doomed.Add(_seqs[i]);
        }
        return Delete(doomed);
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
    /// Top-k by cosine (query is a unit vector) over the vectors of the given streams (null: all), and only of the
    /// given seqs when <paramref name="allowed"/> is set (filters on time, role, speaker, session). Exact below
    /// <see cref="VectorIndexOptions.ProjectFrom"/> matching vectors, the projected scan up to
    /// <see cref="VectorIndexOptions.ApproximateFrom"/>, the approximate index (IVF) above; every hit carries its exact
    /// score and ties go to the higher seq, so the result is a function of the stored vectors and the query.
    /// </summary>
    public IReadOnlyList<ScoredDoc> Search(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int top, IReadOnlySet<long>? allowed = null) =>
        Search(query, streamIds, top, allowed, probesOverride: null);

    /// <summary>The exact scan whatever the size: the reference the approximate index is measured against.</summary>
    internal IReadOnlyList<ScoredDoc> SearchExact(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int top, IReadOnlySet<long>? allowed = null) =>
        Search(query, streamIds, top, allowed, probesOverride: 0);

    /// <summary>The approximate search with a given number of lists, whatever the size (for measuring recall against probes).</summary>
    internal IReadOnlyList<ScoredDoc> SearchApproximate(ReadOnlySpan<float> query, int top, int probes)
    {
        using (Reading())
        {
            if (_index is null || _projection is null) throw new InvalidOperationException("The approximate index is not trained.");
            probes = Math.Clamp(probes, 1, _index.ListCount);
        }
        return Search(query, null, top, null, probes);
    }

    private IReadOnlyList<ScoredDoc> Search(ReadOnlySpan<float> query, IReadOnlySet<int>? streamIds, int top, IReadOnlySet<long>? allowed, int? probesOverride)
    {
        if (query.Length != Dimensions) throw new ArgumentException($"Query has {query.Length} dimensions, not {Dimensions}.", nameof(query));
        if (top <= 0) return [];
        var q = new sbyte[Dimensions];
        float qScale = Int8VectorCodec.Encode(query, q);
        var best = new TopScores(top);
        using (Reading())
        {
            int single = streamIds is { Count: 1 } one ? one.First() : -1;
            int probes = probesOverride ?? ProbesFor(streamIds, allowed);
            if (probes > 0)
            {
                var lists = new int[probes + 1];
                _index!.Probe(q, qScale, lists.AsSpan(0, probes));
                lists[probes] = _index.StrayList; // near no centroid, so near no query's best centroids either: always scanned
                ProbedScan(query, q, qScale, lists, single, streamIds, allowed, best, top);
            }
            else if (allowed is not null && (long)allowed.Count * 8 < _count)
            {
                // A selective filter: look its seqs up (rows are in seq order) instead of testing every row.
                foreach (long seq in allowed)
                {
                    int i = Array.BinarySearch(_seqs, 0, _count, seq);
                    if (i >= 0) ScanRange(i, i + 1, q, qScale, single, streamIds, allowed, best);
                }
            }
            else if (probesOverride is null && Projects(Candidates(streamIds, allowed)))
            {
                ProjectedScan(query, q, qScale, single, streamIds, allowed, best, top);
            }
            else if (_count >= ParallelScanFrom && Environment.ProcessorCount > 1)
            {
                // One core streams the codes slower than memory can deliver them: two halves on two cores, merged
                // (TopScores' total order makes the merge give what one pass would). Parallel.For, not a task waited
                // on: this thread takes both halves itself when no pool thread is free (other queries' scans, or
                // threads waiting to append, hold them), so the scan never waits for the pool to grow. Workers read
                // under this thread's read lock, held until they are done.
                int half = _count / 2;
                var halves = new[] { best, new TopScores(top) };
                Parallel.For(0, 2, h => ScanRange(h == 0 ? 0 : half, h == 0 ? half : _count, q, qScale, single, streamIds, allowed, halves[h]));
                foreach (var d in halves[1].Drain()) best.Offer(d.Seq, (float)d.Score);
            }
            else
            {
                ScanRange(0, _count, q, qScale, single, streamIds, allowed, best);
            }
        }
        return best.Drain();
    }

    /// <summary>
    /// Every row scored on its projected code (a third of the bytes of the full scan), the best RescoreFactor x top of
    /// them ranked by their full codes. Called under _gate.
    /// </summary>
    private void ProjectedScan(ReadOnlySpan<float> query, sbyte[] q, float qScale, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopScores best, int top)
    {
        var projection = _projection!;
        var pq = new sbyte[projection.Rank];
        float pqScale = projection.ProjectQuery(query, pq);
        // First pass keyed by row, not seq: rows are in seq order, so ties break the same way, and the rescoring reads rows directly.
        int window = RescoreWindow(top);
        var first = new TopCandidates(window);
        if (_count >= ParallelScanFrom && Environment.ProcessorCount > 1)
        {
            int half = _count / 2;
            var halves = new[] { first, new TopCandidates(window) };
            Parallel.For(0, 2, h => ScanProjectedRange(h == 0 ? 0 : half, h == 0 ? half : _count, pq, pqScale, single, streamIds, allowed, halves[h]));
            first.Merge(halves[1]);
        }
        else
        {
            ScanProjectedRange(0, _count, pq, pqScale, single, streamIds, allowed, first);
        }
        Rescore(first.Rows(), q, qScale, best);
        ScanExactRows(q, qScale, single, streamIds, allowed, best);
    }

    /// <summary>
    /// The members of the probed lists scored on their projected codes (the lists' own contiguous copies), the best
    /// RescoreFactor x top of them ranked by their full codes, as <see cref="ProjectedScan"/> does over every row; the
    /// stray list's members by their full codes. Called under _gate.
    /// </summary>
    private void ProbedScan(ReadOnlySpan<float> query, sbyte[] q, float qScale, int[] lists, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopScores best, int top)
    {
        var pq = new sbyte[_projection!.Rank];
        float pqScale = _projection.ProjectQuery(query, pq);
        int rank = pq.Length;
        var first = new TopCandidates(RescoreWindow(top));
        foreach (int list in lists)
        {
            var m = _index!.Members(list);
            if (list == _index.StrayList)
            {
                ScoreExactly(m, skipFlagged: true, q, qScale, single, streamIds, allowed, best); // flagged rows: scored below
                continue;
            }
            for (int j = 0; j < m.Count; j++)
            {
                if (!Passes(m.Streams[j], m.Seqs[j], single, streamIds, allowed)) continue;
                first.Offer(m.Rows[j], Int8VectorCodec.Dot(pq, m.Codes.AsSpan(j * rank, rank)) * pqScale * m.Scales[j]);
            }
        }
        Rescore(first.Rows(), q, qScale, best);
        ScanExactRows(q, qScale, single, streamIds, allowed, best);
    }

    /// <summary>How many first-pass rows are ranked by their full codes for a search of <paramref name="top"/>.</summary>
    private int RescoreWindow(int top) =>
        (int)Math.Min(_count, Math.Max(top, Math.Min((long)top * Math.Max(1, _options.RescoreFactor), _options.RescoreLimit)));

    /// <summary>
    /// The first pass's rows by their full codes. Each row is a few cache lines somewhere in the whole code array, a TLB
    /// and cache miss apiece (about a microsecond on this VM when taken one after another), so the rows a few places
    /// ahead are prefetched while the current one is scored.
    /// </summary>
    private unsafe void Rescore(int[] rows, sbyte[] q, float qScale, TopScores best)
    {
        const int ahead = 6;
        int dims = Dimensions;
        fixed (sbyte* codes = _codes)
        {
            for (int j = 0; j < rows.Length; j++)
            {
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported && j + ahead < rows.Length)
                {
                    sbyte* next = codes + (long)rows[j + ahead] * dims;
                    for (int line = 0; line < dims; line += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(next + line);
                }
                int i = rows[j];
                if (_exactRow[i]) continue; // scored exactly from its copy
                best.Offer(_seqs[i], Int8VectorCodec.Dot(q, new ReadOnlySpan<sbyte>(codes + (long)i * dims, dims)) * qScale * _scales[i]);
            }
        }
    }

    private void ScanProjectedRange(int from, int to, sbyte[] pq, float pqScale, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopCandidates best)
    {
        int rank = pq.Length;
        for (int i = from; i < to; i++)
        {
            if (!Passes(_streams[i], _seqs[i], single, streamIds, allowed)) continue;
            best.Offer(i, Int8VectorCodec.Dot(pq, _projected.AsSpan(i * rank, rank)) * pqScale * _projectedScales[i]);
        }
    }

    /// <summary>Whether a row is in the streams asked for (<paramref name="single"/> when there is one) and in the allowed seqs.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Passes(int stream, long seq, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed) =>
        (single >= 0 ? stream == single : streamIds is null || streamIds.Contains(stream)) && (allowed is null || allowed.Contains(seq));

    /// <summary>An exact scan of at least this many rows runs in two halves on two cores.</summary>
    internal const int ParallelScanFrom = 65_536;

    private void ScanRange(int from, int to, sbyte[] q, float qScale, int single, IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed, TopScores best)
    {
        for (int i = from; i < to; i++)
        {
            if (!Passes(_streams[i], _seqs[i], single, streamIds, allowed)) continue;
            best.Offer(_seqs[i], Int8VectorCodec.Dot(q, _codes.AsSpan(i * Dimensions, Dimensions)) * qScale * _scales[i]);
        }
    }

    /// <summary>
    /// Lists to probe for this query, or 0 for the exact scan: exact while the vectors the filters may pass are fewer than
    /// <see cref="VectorIndexOptions.ApproximateFrom"/>; a filter passing a share f of the vectors scans 1/f times the
    /// unfiltered probes so that about as many matching vectors are seen; past half the lists the exact scan costs no more.
    /// The share is estimated from per-stream counts and the size of the allowed set, an upper bound of the true share.
    /// </summary>
    internal int PlannedProbes(IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed)
    {
        using (Reading()) return ProbesFor(streamIds, allowed);
    }

    private int ProbesFor(IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed)
    {
        if (_index is null || _projection is null || _options.ApproximateFrom <= 0 || _count == 0) return 0;
        long candidates = Candidates(streamIds, allowed);
        if (candidates < _options.ApproximateFrom) return 0;
        double probes = Math.Ceiling(_options.ProbesFor(_index.ListCount) * (double)_count / candidates);
        return probes * 2 > _index.ListCount ? 0 : (int)probes;
    }

    /// <summary>
    /// From how many rows the projection is computed: the projected scan's threshold, or the index's when that comes
    /// first or the scan is off, because the index's lists hold the rows' projected codes. 0: never.
    /// </summary>
    private int ProjectionFrom
    {
        get
        {
            int scan = _options.ProjectFrom, index = _options.ApproximateFrom;
            if (scan <= 0) return Math.Max(0, index);
            return index > 0 ? Math.Min(scan, index) : scan;
        }
    }

    /// <summary>Whether a search over this many candidate rows takes the projected scan (the exact scan otherwise, below the index).</summary>
    private bool Projects(long candidates) => _projection is not null && _options.ProjectFrom > 0 && candidates >= _options.ProjectFrom;

    /// <summary>How many rows the filters may pass: from per-stream counts and the allowed set's size, an upper bound.</summary>
    private long Candidates(IReadOnlySet<int>? streamIds, IReadOnlySet<long>? allowed)
    {
        long candidates = _count;
        if (streamIds is not null)
        {
            candidates = 0;
            foreach (int s in streamIds) candidates += _streamCounts.GetValueOrDefault(s);
        }
        if (allowed is not null) candidates = Math.Min(candidates, allowed.Count);
        return candidates;
    }

    public void Dispose()
    {
        using (Writing())
        {
            _file?.Dispose();
            _indexFile?.Dispose();
            _projectionFile?.Dispose();
        }
    }
}
