using System.Buffers;
using System.Globalization;
using InfiniteContext.Text;

namespace InfiniteContext.Indexing;

/// <summary>
/// A log-structured BM25 index: immutable segment files plus an in-memory tail. Appends touch only the
/// tail; <see cref="Flush"/> writes the tail as a segment and merges segments of the same size tier
/// (each document is rewritten once per tier, so appending is O(log n) amortized). Deletions hide
/// documents at once and are dropped physically at the next flush by rewriting the segments holding them.
///
/// Concurrency: any number of concurrent searches; Add, Delete and Flush are serialized and exclusive.
/// </summary>
public sealed class SegmentedLexicalIndex : ILexicalIndex
{
    private const string SegmentExtension = ".lx";
    private const long MaxSegmentBytes = 1L << 30; // one byte[] per segment: stay well under 2 GiB

    private readonly string _directory;
    private readonly ITextAnalyzer _analyzer;
    private readonly LexicalIndexOptions _options;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<SegmentFile> _segments = [];
    private SegmentBuilder _tail = new();
    private TermTable _ingestTerms = new();

    /// <summary>A table that grew past this many terms is replaced at the next flush (bounds its memory on endless ingest).</summary>
    private const int MaxIngestTerms = 1 << 20;
    private long _nextSegmentId = 1;
    private long _coveredSeq;
    private long _persistedSeq;
    private bool _disposed;

    // Live (not deleted) documents and their total analyzed length, per stream: BM25's N and avgdl per scope.
    private readonly Dictionary<int, (long Docs, long Length)> _streamStats = [];

    private SegmentedLexicalIndex(string directory, ITextAnalyzer analyzer, LexicalIndexOptions options)
    {
        _directory = directory;
        _analyzer = analyzer;
        _options = options;
    }

    /// <summary>
    /// Opens the index in <paramref name="directory"/> (empty if there is none). Throws
    /// <see cref="InvalidDataException"/> when a file is damaged: the caller rebuilds from the log.
    /// </summary>
    public static SegmentedLexicalIndex Open(string directory, ITextAnalyzer analyzer, LexicalIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        options ??= new LexicalIndexOptions();
        var index = new SegmentedLexicalIndex(directory, analyzer, options);
        if (options.IgnoreExisting || !Directory.Exists(directory)) return index;

        // A reader can race a writer that replaces segments; re-read the manifest if a file vanished.
        for (int attempt = 0; ; attempt++)
        {
            var manifest = IndexManifest.TryRead(directory) ?? IndexManifest.Empty;
            try
            {
                index.Load(manifest);
                break;
            }
            catch (FileNotFoundException) when (options.ReadOnly && attempt < 5)
            {
                index._segments.Clear();
                index._streamStats.Clear();
                Thread.Sleep(50);
            }
        }
        if (!options.ReadOnly) index.RemoveLeftovers();
        return index;
    }

    private void Load(IndexManifest manifest)
    {
        foreach (var name in manifest.Segments)
        {
            var seg = SegmentFile.Load(Path.Combine(_directory, name));
            _segments.Add(seg);
            AddStats(seg, +1);
        }
        _nextSegmentId = manifest.NextSegmentId;
        _coveredSeq = _persistedSeq = manifest.CoveredSeq;
    }

    /// <summary>Segment files no manifest names (a crash between writing a segment and the manifest) and temp files.</summary>
    private void RemoveLeftovers()
    {
        var live = _segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_directory))
        {
            string name = Path.GetFileName(file);
            if ((name.EndsWith(SegmentExtension, StringComparison.Ordinal) && !live.Contains(name)) || name.EndsWith(".tmp", StringComparison.Ordinal))
                File.Delete(file);
        }
    }

    private void AddStats(IDocSource source, int sign)
    {
        for (int d = 0; d < source.DocCount; d++)
        {
            if (source.IsDeleted(d)) continue;
            AddStat(source.StreamId(d), source.Length(d), sign);
        }
    }

    private void AddStat(int stream, int length, int sign)
    {
        _streamStats.TryGetValue(stream, out var s);
        _streamStats[stream] = (s.Docs + sign, s.Length + sign * (long)length);
    }

    public long CoveredSeq
    {
        get
        {
            _lock.EnterReadLock();
            try { return _coveredSeq; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public ITextAnalyzer Analyzer => _analyzer;

    /// <summary>
    /// The term table ingest should analyze against (<see cref="AnalyzedText"/> with ids): documents analyzed with the
    /// tail's table are added by id. Any thread may read it; a document analyzed against a replaced table is still
    /// added correctly, by its terms' strings.
    /// </summary>
    internal TermTable IngestTerms => Volatile.Read(ref _ingestTerms);

    public bool TailIsFull
    {
        get
        {
            _lock.EnterReadLock();
            try { return _tail.PostingCount >= _options.MaxTailPostings; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public long PersistedSeq
    {
        get
        {
            _lock.EnterReadLock();
            try { return _persistedSeq; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public void Add(IReadOnlyList<IndexedDoc> docs)
    {
        ArgumentNullException.ThrowIfNull(docs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lock.EnterWriteLock();
        try
        {
            // By reference: IndexedDoc is a wide struct of references, and copying one per document showed in the profile.
            ReadOnlySpan<IndexedDoc> span = docs switch
            {
                IndexedDoc[] array => array,
                List<IndexedDoc> list => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list),
                _ => docs.ToArray(),
            };
            foreach (ref readonly var doc in span)
            {
                if (doc.Seq <= _coveredSeq)
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Seq {doc.Seq} is already covered (index covers up to {_coveredSeq})."));
                int length = _tail.Add(doc, _analyzer);
                AddStat(doc.StreamId, length, +1);
                _coveredSeq = doc.Seq;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Delete(IReadOnlyCollection<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lock.EnterWriteLock();
        try
        {
            foreach (long seq in seqs)
            {
                IDocSource? source = null;
                if (_tail.DocCount > 0 && seq >= _tail.Seq(0)) source = _tail;
                else
                {
                    // Segments cover disjoint ascending seq ranges.
                    int lo = 0, hi = _segments.Count - 1;
                    while (lo <= hi)
                    {
                        int mid = (lo + hi) >>> 1;
                        var s = _segments[mid];
                        if (seq < s.MinSeq) hi = mid - 1;
                        else if (seq > s.MaxSeq) lo = mid + 1;
                        else { source = s; break; }
                    }
                }
                if (source is null) continue;
                int doc = source.FindSeq(seq);
                if (doc >= 0 && source.MarkDeleted(doc)) AddStat(source.StreamId(doc), source.Length(doc), -1);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.ReadOnly) throw new InvalidOperationException("The lexical index is open read-only.");
        _lock.EnterWriteLock();
        try
        {
            Directory.CreateDirectory(_directory);
            var obsolete = new List<string>();
            bool changed = false;

            // 1. Segments holding deleted documents are rewritten without them: a forget leaves no posting behind.
            for (int i = 0; i < _segments.Count; i++)
            {
                if (_segments[i].DeletedCount == 0) continue;
                obsolete.Add(_segments[i].Name);
                var rewritten = WriteSegment(Compact([_segments[i]]));
                if (rewritten is null) _segments.RemoveAt(i--);
                else _segments[i] = rewritten;
                changed = true;
            }

            // 2. The tail becomes a segment.
            if (_tail.DocCount > 0)
            {
                var builder = _tail.DeletedCount > 0 ? Compact([_tail]) : _tail;
                var seg = WriteSegment(builder);
                if (seg is not null) _segments.Add(seg);
                _tail = new SegmentBuilder();
                if (_ingestTerms.Count > MaxIngestTerms) Volatile.Write(ref _ingestTerms, new TermTable());
                changed = true;
            }

            // 3. Tiered merges: whenever MergeFactor adjacent newest segments share a size tier, merge them.
            while (FindMergeRun() is { } run)
            {
                var inputs = _segments.GetRange(run.Start, run.Count);
                var merged = WriteSegment(Compact([.. inputs]));
                obsolete.AddRange(inputs.Select(s => s.Name));
                _segments.RemoveRange(run.Start, run.Count);
                if (merged is not null) _segments.Insert(run.Start, merged);
                changed = true;
            }

            if (changed || _persistedSeq != _coveredSeq)
            {
                new IndexManifest(IndexManifest.CurrentFormat, _coveredSeq, _nextSegmentId, _segments.Select(s => s.Name).ToList()).Write(_directory);
                _persistedSeq = _coveredSeq;
            }
            // Only now that the manifest no longer names them may the replaced files go.
            foreach (var name in obsolete)
            {
                try { File.Delete(Path.Combine(_directory, name)); }
                catch (IOException) { /* removed as a leftover on the next writable open */ }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private (int Start, int Count)? FindMergeRun()
    {
        int factor = Math.Max(2, _options.MergeFactor);
        if (_segments.Count < factor) return null;
        static int Tier(SegmentFile s, int factor) => (int)Math.Floor(Math.Log(Math.Max(1, s.DocCount)) / Math.Log(factor));
        int tier = Tier(_segments[^1], factor);
        int start = _segments.Count - 1;
        long bytes = _segments[^1].FileBytes;
        while (start > 0 && Tier(_segments[start - 1], factor) == tier)
        {
            bytes += _segments[start - 1].FileBytes;
            start--;
        }
        int count = _segments.Count - start;
        if (count < factor || bytes > MaxSegmentBytes) return null;
        // Merge exactly the newest `factor` of the run so tiers stay geometric.
        return (_segments.Count - factor, factor);
    }

    /// <summary>The live documents of <paramref name="sources"/> (in seq order) as one builder.</summary>
    private static SegmentBuilder Compact(IDocSource[] sources)
    {
        var builder = new SegmentBuilder();
        var maps = new int[sources.Length][];
        for (int s = 0; s < sources.Length; s++)
        {
            var src = sources[s];
            var map = maps[s] = new int[src.DocCount];
            for (int d = 0; d < src.DocCount; d++)
            {
                if (src.IsDeleted(d)) { map[d] = -1; continue; }
                int speaker = src.SpeakerSymbol(d), session = src.SessionSymbol(d);
                map[d] = builder.AddDocument(src.Seq(d), src.StreamId(d), src.Time(d), src.Length(d), src.Role(d),
                    speaker < 0 ? null : src.Symbol(speaker), session < 0 ? null : src.Symbol(session));
            }
        }
        for (int s = 0; s < sources.Length; s++)
        {
            var map = maps[s];
            foreach (var (term, postings) in sources[s].AllTerms())
            {
                var cursor = postings;
                while (cursor.Next(out int doc, out int tf))
                    if (map[doc] >= 0) builder.AddPosting(term, map[doc], tf);
            }
        }
        return builder;
    }

    private SegmentFile? WriteSegment(SegmentBuilder builder)
    {
        if (builder.DocCount == 0) return null;
        string name = string.Create(CultureInfo.InvariantCulture, $"seg-{_nextSegmentId++:D10}{SegmentExtension}");
        string path = Path.Combine(_directory, name);
        SegmentWriter.Write(builder, path);
        return SegmentFile.Load(path);
    }

    public IReadOnlyList<ScoredDoc> Search(string query, LexicalScope scope, int top) =>
        Search(query, scope, top, exhaustive: !Bm25.Monotone(_options.K1, _options.B));

    /// <summary>
    /// BM25 top-k, by default with dynamic pruning (<see cref="MaxScoreBm25"/>); <paramref name="exhaustive"/> scores every
    /// posting instead (<see cref="ExhaustiveBm25"/>: the reference the pruned results must equal, and the path for BM25
    /// parameters under which score bounds do not hold).
    /// </summary>
    internal IReadOnlyList<ScoredDoc> Search(string query, LexicalScope scope, int top, bool exhaustive)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (top <= 0) return [];
        var terms = QueryTerms(query);
        if (terms.Count == 0) return [];

        _lock.EnterReadLock();
        try
        {
            var view = new ScopedSources(_segments, _tail, _streamStats, scope, _options);
            return exhaustive || !Bm25.Monotone(_options.K1, _options.B)
                ? ExhaustiveBm25.Run(view, terms, top)
                : MaxScoreBm25.Run(view, terms, top);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Distinct query terms with their counts, in first-seen order (deterministic scoring order).</summary>
    private List<(string Term, int Count)> QueryTerms(string query)
    {
        var sink = new QuerySink();
        _analyzer.Analyze(query, sink);
        return sink.Terms;
    }

    private sealed class QuerySink : ITermSink
    {
        public readonly List<(string Term, int Count)> Terms = [];

        public void OnTerm(ReadOnlySpan<char> term)
        {
            for (int i = 0; i < Terms.Count; i++)
            {
                if (term.SequenceEqual(Terms[i].Term))
                {
                    Terms[i] = (Terms[i].Term, Terms[i].Count + 1);
                    return;
                }
            }
            Terms.Add((term.ToString(), 1));
        }
    }

    public LexicalIndexStats GetStats()
    {
        _lock.EnterReadLock();
        try
        {
            long docs = _streamStats.Values.Sum(s => s.Docs);
            long terms = _segments.Sum(s => s.TermCount) + _tail.TermCount;
            long postings = _segments.Sum(s => s.PostingCount) + _tail.PostingCount;
            long bytes = _segments.Sum(s => s.FileBytes);
            return new LexicalIndexStats(docs, terms, _segments.Count, postings, bytes, _coveredSeq, _persistedSeq);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _lock.Dispose();
    }
}
