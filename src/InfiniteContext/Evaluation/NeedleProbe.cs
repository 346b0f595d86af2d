namespace InfiniteContext.Evaluation;

/// <summary>One entry a probe inserts into the haystack: the real needle or a distractor.</summary>
public sealed record NeedleEntry(string Id, string Text);

/// <summary>
/// One question asked of a haystack and what answers it. <see cref="Needles"/> are inserted at
/// <see cref="Depth"/> percent of the haystack; <see cref="Distractors"/> (near-miss only) at seeded
/// positions elsewhere. A probe is scored by entry id, never by text, so a distractor can never pass for
/// the needle however alike they read.
/// </summary>
public sealed record NeedleProbe(NeedleVariant Variant, int Depth, string Question, IReadOnlyList<NeedleEntry> Needles, IReadOnlyList<NeedleEntry> Distractors)
{
    /// <summary>Near-miss only: which detail tells the needle from its distractors (person, number or date).</summary>
    public string? DistinguishingDetail { get; init; }
}
