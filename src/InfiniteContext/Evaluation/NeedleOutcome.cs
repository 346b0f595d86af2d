namespace InfiniteContext.Evaluation;

/// <summary>
/// How one probe fared. <see cref="AtRank1"/>: the first hit is one of the probe's needles.
/// <see cref="WithinTopK"/>: every needle of the probe is among the first k hits. <see cref="NeedleRank"/>:
/// the 1-based rank of the best needle, null if none was returned. <see cref="DistractorAtRank1"/>: a
/// near-miss distractor took rank 1 (always a miss).
/// </summary>
public sealed record NeedleOutcome(bool AtRank1, bool WithinTopK, int? NeedleRank, bool DistractorAtRank1, string? TopHitId)
{
    /// <summary>Scores by entry identity (stream and id), never by text: a distractor can read almost like the needle and still not count.</summary>
    public static NeedleOutcome Score(NeedleProbe probe, IReadOnlyList<SearchHit> hits, int top, string stream = HaystackStream.StreamName)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var needles = probe.Needles.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var distractors = probe.Distractors.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        string? Id(SearchHit h) => string.Equals(h.Entry.Stream, stream, StringComparison.Ordinal) ? h.Entry.ExternalId : null;
        bool IsNeedle(SearchHit h) => Id(h) is { } id && needles.Contains(id);

        int? rank = null;
        for (int i = 0; i < hits.Count; i++)
        {
            if (IsNeedle(hits[i]))
            {
                rank = i + 1;
                break;
            }
        }
        var topK = hits.Take(top).Where(IsNeedle).Select(h => h.Entry.ExternalId!).ToHashSet(StringComparer.Ordinal);
        string? first = hits.Count > 0 ? Id(hits[0]) : null;
        return new NeedleOutcome(
            AtRank1: rank == 1,
            WithinTopK: topK.Count == needles.Count,
            NeedleRank: rank,
            DistractorAtRank1: first is not null && distractors.Contains(first),
            TopHitId: hits.Count > 0 ? hits[0].Entry.ExternalId : null);
    }
}
