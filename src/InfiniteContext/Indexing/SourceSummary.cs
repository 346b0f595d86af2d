namespace InfiniteContext.Indexing;

/// <summary>
/// What a run of documents holds, coarsely: its streams, time span and roles. Pruned search uses it to tell,
/// without looking at a posting, whether every document of a source is inside a scope (then a term's document
/// frequency there is the stored one) or none is (then the source is skipped).
/// Deleted documents stay counted: the summary only ever over-approximates.
/// </summary>
internal sealed class SourceSummary
{
    private readonly HashSet<int> _streams = [];
    private int _roleMask;

    public long MinTime { get; private set; } = long.MaxValue;
    public long MaxTime { get; private set; } = long.MinValue;
    public int UntimedDocs { get; private set; }
    public int Docs { get; private set; }

    public void Add(int stream, long time, EntryRole role)
    {
        Docs++;
        _streams.Add(stream);
        _roleMask |= 1 << ((int)role & 31);
        if (time == IndexedDoc.NoTime) UntimedDocs++;
        else
        {
            MinTime = Math.Min(MinTime, time);
            MaxTime = Math.Max(MaxTime, time);
        }
    }

    public static SourceSummary Of(IDocSource source)
    {
        var summary = new SourceSummary();
        for (int d = 0; d < source.DocCount; d++) summary.Add(source.StreamId(d), source.Time(d), source.Role(d));
        return summary;
    }

    /// <summary>
    /// <see cref="ScopeCoverage.All"/> when every document passes the scope's stream, time and role conditions,
    /// <see cref="ScopeCoverage.None"/> when none does, else <see cref="ScopeCoverage.Some"/>. Speaker and session are not summarized.
    /// </summary>
    public ScopeCoverage Cover(LexicalScope scope)
    {
        if (Docs == 0) return ScopeCoverage.None;
        bool all = true;
        if (scope.StreamIds is { } ids)
        {
            int inside = 0;
            foreach (int s in _streams)
                if (ids.Contains(s)) inside++;
            if (inside == 0) return ScopeCoverage.None;
            all &= inside == _streams.Count;
        }
        if (scope.FromUnixMs is not null || scope.ToUnixMs is not null)
        {
            // Same conditions as the per-document filter: from inclusive, to exclusive, untimed documents never pass.
            bool timed = UntimedDocs < Docs;
            if (!timed || (scope.FromUnixMs is { } from && MaxTime < from) || (scope.ToUnixMs is { } to && MinTime >= to)) return ScopeCoverage.None;
            all &= UntimedDocs == 0 && (scope.FromUnixMs is not { } f || MinTime >= f) && (scope.ToUnixMs is not { } t || MaxTime < t);
        }
        if (scope.Role is { } role)
        {
            int bit = 1 << ((int)role & 31);
            if ((_roleMask & bit) == 0) return ScopeCoverage.None;
            all &= _roleMask == bit;
        }
        return all ? ScopeCoverage.All : ScopeCoverage.Some;
    }
}

internal enum ScopeCoverage
{
    None,
    Some,
    All,
}
