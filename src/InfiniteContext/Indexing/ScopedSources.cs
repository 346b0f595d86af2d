namespace InfiniteContext.Indexing;

/// <summary>
/// One query's view of the index: the sources (segments, then the tail: ascending seq), the scope's BM25 statistics
/// (N and avgdl over the scope's streams only, so one tenant's scores never depend on another's data) and the
/// per-document filter. Shared by the exhaustive and the pruned search so both see exactly the same documents.
/// </summary>
internal sealed class ScopedSources
{
    private readonly LexicalScope _scope;
    private readonly int _singleStream;
    private readonly int[]? _speakerIds;
    private readonly int[]? _sessionIds;

    public IDocSource[] Sources { get; }

    /// <summary>Global doc id of each source's first doc; the last element is the total.</summary>
    public int[] Bases { get; }

    public long N { get; }
    public double AvgDl { get; }
    public double K1 { get; }
    public double B { get; }

    public ScopedSources(IReadOnlyList<SegmentFile> segments, SegmentBuilder tail, IReadOnlyDictionary<int, (long Docs, long Length)> streamStats,
        LexicalScope scope, LexicalIndexOptions options)
    {
        _scope = scope;
        Sources = new IDocSource[segments.Count + (tail.DocCount > 0 ? 1 : 0)];
        Bases = new int[Sources.Length + 1];
        for (int i = 0; i < segments.Count; i++) Sources[i] = segments[i];
        if (tail.DocCount > 0) Sources[^1] = tail;
        for (int i = 0; i < Sources.Length; i++) Bases[i + 1] = Bases[i] + Sources[i].DocCount;
        _singleStream = scope.StreamIds is { Count: 1 } one ? one.First() : -1;

        long n = 0, totalLength = 0;
        if (scope.StreamIds is null)
        {
            foreach (var s in streamStats.Values) { n += s.Docs; totalLength += s.Length; }
        }
        else
        {
            foreach (int id in scope.StreamIds)
                if (streamStats.TryGetValue(id, out var s)) { n += s.Docs; totalLength += s.Length; }
        }
        N = n;
        AvgDl = Math.Max(1.0, (double)totalLength / Math.Max(1, n));
        K1 = options.K1;
        B = options.B;

        // Speaker/session filters resolve to a symbol id per source (-2: no doc of that source can match).
        _speakerIds = ResolveSymbols(scope.Speaker);
        _sessionIds = ResolveSymbols(scope.Session);
    }

    private int[]? ResolveSymbols(string? value)
    {
        if (value is null) return null;
        var ids = new int[Sources.Length];
        for (int s = 0; s < Sources.Length; s++)
        {
            int id = Sources[s].FindSymbol(value);
            ids[s] = id < 0 ? -2 : id;
        }
        return ids;
    }

    /// <summary>False when no document of source <paramref name="s"/> can pass the speaker or session filter.</summary>
    public bool MayMatch(int s) => !(_speakerIds is not null && _speakerIds[s] == -2) && !(_sessionIds is not null && _sessionIds[s] == -2);

    /// <summary>
    /// How much of source <paramref name="s"/> passes the filter: <see cref="ScopeCoverage.All"/> only when every document does
    /// (no deletes, no speaker or session filter, and the summary's streams, times and roles all inside the scope),
    /// so that a term's stored document frequency there is exactly the count the filter would give.
    /// </summary>
    public ScopeCoverage Coverage(int s)
    {
        if (!MayMatch(s)) return ScopeCoverage.None;
        var src = Sources[s];
        var cover = src.Summary.Cover(_scope);
        if (cover == ScopeCoverage.All && (src.DeletedCount > 0 || _speakerIds is not null || _sessionIds is not null))
            return ScopeCoverage.Some;
        return cover;
    }

    /// <summary>Whether doc <paramref name="doc"/> of source <paramref name="s"/> is live and inside the scope.</summary>
    public bool Passes(int s, int doc)
    {
        var src = Sources[s];
        if (src.IsDeleted(doc)) return false;
        if (_singleStream >= 0)
        {
            if (src.StreamId(doc) != _singleStream) return false;
        }
        else if (_scope.StreamIds is { } ids && !ids.Contains(src.StreamId(doc)))
        {
            return false;
        }
        if (_scope.FromUnixMs is not null || _scope.ToUnixMs is not null)
        {
            long t = src.Time(doc);
            if (t == IndexedDoc.NoTime) return false;
            if (_scope.FromUnixMs is { } from && t < from) return false;
            if (_scope.ToUnixMs is { } to && t >= to) return false;
        }
        if (_scope.Role is { } role && src.Role(doc) != role) return false;
        if (_speakerIds is not null && src.SpeakerSymbol(doc) != _speakerIds[s]) return false;
        if (_sessionIds is not null && src.SessionSymbol(doc) != _sessionIds[s]) return false;
        return true;
    }

    private (IDocSource Source, int Doc) Locate(int global)
    {
        int lo = 0, hi = Sources.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (Bases[mid] <= global) lo = mid;
            else hi = mid - 1;
        }
        return (Sources[lo], global - Bases[lo]);
    }

    public int LengthOf(int global)
    {
        var (src, doc) = Locate(global);
        return src.Length(doc);
    }

    public long SeqOf(int global)
    {
        var (src, doc) = Locate(global);
        return src.Seq(doc);
    }
}
