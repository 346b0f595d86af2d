using System.Runtime.InteropServices;
using System.Text;
using InfiniteContext.Text;

namespace InfiniteContext.Indexing;

/// <summary>
/// The mutable, in-memory run of documents: new entries land here (searchable at once) until a flush
/// writes it as an immutable segment. Also the staging area when segments are merged or rewritten.
/// Not thread-safe: the index serializes writers and excludes readers while it mutates.
/// </summary>
internal sealed class SegmentBuilder : IDocSource
{
    private sealed class PostingList
    {
        public int[] Docs = new int[2];
        public int[] Tfs = new int[2];
        public int Count;
        public int MaxTf;
        public float MinLengthPerTf = float.MaxValue;

        public void Add(int doc, int tf, int length)
        {
            MaxTf = Math.Max(MaxTf, tf);
            MinLengthPerTf = Math.Min(MinLengthPerTf, Bm25.LengthPerTf(length, tf));
            if (Count == Docs.Length)
            {
                Array.Resize(ref Docs, Count * 2);
                Array.Resize(ref Tfs, Count * 2);
            }
            Docs[Count] = doc;
            Tfs[Count] = tf;
            Count++;
        }
    }

    private readonly List<long> _seq = [];
    private readonly List<long> _time = [];
    private readonly List<int> _stream = [];
    private readonly List<int> _length = [];
    private readonly List<byte> _role = [];
    private readonly List<int> _speaker = [];
    private readonly List<int> _session = [];
    private readonly List<bool> _deleted = [];
    private int _deletedCount;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<string> _terms = [];
    private readonly List<PostingList> _postings = [];
    private long _postingCount;

    private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
    private readonly List<string> _symbols = [];

    // Per-document term counts, reused across documents.
    private readonly Dictionary<int, int> _docTerms = [];
    private readonly TermCounter _counter;

    // The ids path (documents analyzed against a TermTable): the first table seen, its ids' local terms, per-term scratch.
    private TermTable? _table;
    private int[] _localOf = [];   // table id -> 1 + local term id; 0 = not yet in this builder
    private int[] _stamp = [];     // local term id -> 1 + the last local doc that counted it
    private int[] _tf = [];        // local term id -> its tf in the doc being added
    private readonly List<int> _distinct = [];

    public SegmentBuilder() => _counter = new TermCounter(this);

    public int DocCount => _seq.Count;
    public int DeletedCount => _deletedCount;
    public long TermCount => _terms.Count;
    public long PostingCount => _postingCount;
    public int SymbolCount => _symbols.Count;
    public long MaxSeq => _seq.Count == 0 ? 0 : _seq[^1];

    public long Seq(int doc) => _seq[doc];
    public int StreamId(int doc) => _stream[doc];
    public long Time(int doc) => _time[doc];
    public int Length(int doc) => _length[doc];
    public EntryRole Role(int doc) => (EntryRole)_role[doc];
    public int SpeakerSymbol(int doc) => _speaker[doc];
    public int SessionSymbol(int doc) => _session[doc];
    public string Symbol(int id) => _symbols[id];
    public bool IsDeleted(int doc) => _deleted[doc];
    public SourceSummary Summary { get; } = new();

    public bool MarkDeleted(int doc)
    {
        if (_deleted[doc]) return false;
        _deleted[doc] = true;
        _deletedCount++;
        return true;
    }

    /// <summary>Analyzes and adds one document; returns its analyzed length (terms counted for BM25).</summary>
    public int Add(in IndexedDoc doc, ITextAnalyzer analyzer)
    {
        int local = AddDocument(doc.Seq, doc.StreamId, doc.TimeUnixMs, 0, doc.Role, doc.Speaker, doc.Session);
        if (doc.Analyzed is { Table: { } table } ids && (_table ??= table) == table) return AddIds(local, ids.TermIds, table);
        _docTerms.Clear();
        _counter.Length = 0;
        if (doc.Analyzed is { } analyzed) analyzed.Replay(_counter);
        else analyzer.Analyze(doc.Text, _counter);
        foreach (var (termId, tf) in _docTerms)
        {
            _postings[termId].Add(local, tf, _counter.Length);
            _postingCount++;
        }
        _length[local] = _counter.Length;
        return _counter.Length;
    }

    /// <summary>
    /// The ids path: each occurrence's table id maps to this builder's term through an array (the table's string is
    /// looked up once per term and builder), and term frequencies are counted in arrays stamped per document. Terms
    /// get their local ids and postings in first-occurrence order, exactly as the string path gives them.
    /// </summary>
    private int AddIds(int local, ReadOnlySpan<int> ids, TermTable table)
    {
        _distinct.Clear();
        int stamp = local + 1;
        foreach (int gid in ids)
        {
            if (gid >= _localOf.Length) Array.Resize(ref _localOf, Math.Max(gid + 1, Math.Max(1024, _localOf.Length * 2)));
            int t = _localOf[gid] - 1;
            if (t < 0)
            {
                t = TermId(table.Term(gid));
                _localOf[gid] = t + 1;
            }
            if (t >= _stamp.Length)
            {
                int size = Math.Max(t + 1, Math.Max(1024, _stamp.Length * 2));
                Array.Resize(ref _stamp, size);
                Array.Resize(ref _tf, size);
            }
            if (_stamp[t] != stamp)
            {
                _stamp[t] = stamp;
                _tf[t] = 1;
                _distinct.Add(t);
            }
            else
            {
                _tf[t]++;
            }
        }
        int length = ids.Length;
        foreach (int t in _distinct)
        {
            _postings[t].Add(local, _tf[t], length);
            _postingCount++;
        }
        _length[local] = length;
        return length;
    }

    /// <summary>Adds a document's fields; postings follow through <see cref="AddPosting"/> (merges).</summary>
    public int AddDocument(long seq, int streamId, long time, int length, EntryRole role, string? speaker, string? session)
    {
        if (_seq.Count > 0 && seq <= _seq[^1])
            throw new InvalidOperationException($"Documents must arrive in ascending seq order ({seq} after {_seq[^1]}).");
        _seq.Add(seq);
        _stream.Add(streamId);
        _time.Add(time);
        _length.Add(length);
        _role.Add((byte)role);
        _speaker.Add(SymbolId(speaker));
        _session.Add(SymbolId(session));
        _deleted.Add(false);
        Summary.Add(streamId, time, role);
        return _seq.Count - 1;
    }

    /// <summary>Appends a posting; for each term, docs must arrive in ascending order.</summary>
    public void AddPosting(ReadOnlySpan<char> term, int doc, int tf)
    {
        _postings[TermId(term)].Add(doc, tf, _length[doc]);
        _postingCount++;
    }

    private int SymbolId(string? value)
    {
        if (value is null) return -1;
        // Speakers and sessions repeat from document to document: look the value up as given before lower-casing it.
        if (_symbolsAsGiven.TryGetValue(value, out int known)) return known;
        int symbol = LowerSymbolId(value);
        if (_symbolsAsGiven.Count < 1 << 16) _symbolsAsGiven[value] = symbol;
        return symbol;
    }

    private readonly Dictionary<string, int> _symbolsAsGiven = new(StringComparer.Ordinal);

    private int LowerSymbolId(string value)
    {
        string key = value.ToLowerInvariant();
        if (_symbolIds.TryGetValue(key, out int id)) return id;
        id = _symbols.Count;
        _symbols.Add(key);
        _symbolIds.Add(key, id);
        return id;
    }

    private int TermId(ReadOnlySpan<char> term)
    {
        var lookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(term, out int id)) return id;
        string s = term.ToString();
        id = _terms.Count;
        _terms.Add(s);
        _postings.Add(new PostingList());
        _termIds.Add(s, id);
        return id;
    }

    public bool TryGetPostings(ReadOnlySpan<char> term, out PostingsCursor cursor)
    {
        if (_termIds.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(term, out int id))
        {
            var p = _postings[id];
            cursor = new PostingsCursor(p.Docs, p.Tfs, p.Count, p.MaxTf, p.MinLengthPerTf);
            return true;
        }
        cursor = default;
        return false;
    }

    public IEnumerable<(string Term, PostingsCursor Postings)> AllTerms()
    {
        foreach (int id in SortedTermIds())
        {
            var p = _postings[id];
            yield return (_terms[id], new PostingsCursor(p.Docs, p.Tfs, p.Count, p.MaxTf, p.MinLengthPerTf));
        }
    }

    /// <summary>Term ids in ascending ordinal order of their UTF-8 bytes (the on-disk dictionary order).</summary>
    public int[] SortedTermIds()
    {
        var ids = new int[_terms.Count];
        var keys = new byte[_terms.Count][];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
            keys[i] = Encoding.UTF8.GetBytes(_terms[i]);
        }
        Array.Sort(keys, ids, Utf8Comparer.Instance);
        return ids;
    }

    internal ReadOnlySpan<long> SeqSpan => CollectionsMarshal.AsSpan(_seq);
    internal ReadOnlySpan<long> TimeSpan => CollectionsMarshal.AsSpan(_time);
    internal ReadOnlySpan<int> StreamSpan => CollectionsMarshal.AsSpan(_stream);
    internal ReadOnlySpan<int> LengthSpan => CollectionsMarshal.AsSpan(_length);
    internal ReadOnlySpan<byte> RoleSpan => CollectionsMarshal.AsSpan(_role);
    internal ReadOnlySpan<int> SpeakerSpan => CollectionsMarshal.AsSpan(_speaker);
    internal ReadOnlySpan<int> SessionSpan => CollectionsMarshal.AsSpan(_session);
    internal IReadOnlyList<string> Symbols => _symbols;
    internal string TermText(int id) => _terms[id];
    internal (int[] Docs, int[] Tfs, int Count) Postings(int id) => (_postings[id].Docs, _postings[id].Tfs, _postings[id].Count);

    private sealed class TermCounter(SegmentBuilder owner) : ITermSink
    {
        public int Length;

        public void OnTerm(ReadOnlySpan<char> term)
        {
            Length++;
            int id = owner.TermId(term);
            ref int tf = ref CollectionsMarshal.GetValueRefOrAddDefault(owner._docTerms, id, out _);
            tf++;
        }
    }
}

internal sealed class Utf8Comparer : IComparer<byte[]>
{
    public static readonly Utf8Comparer Instance = new();
    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
