using InfiniteContext.Storage;
using InfiniteContext.Text;

namespace InfiniteContext.Context;

/// <summary>
/// Builds the context for one stream within a token budget.
///
/// Policy: the pinned section (the stream's system entries, oldest first) takes at most
/// <see cref="ContextRequest.PinnedShare"/> of the budget; of what remains, the recent window takes
/// (1 - <see cref="ContextRequest.EvidenceShare"/>): the newest entries, contiguous, newest first until
/// one does not fit. Evidence gets the rest plus whatever the recent window left unused: retrieved hits in
/// score order, then their temporal neighbours (EM-LLM's contiguity), skipping anything already placed.
/// Budget evidence leaves unused extends the recent window further back. Evidence renders in time order.
/// The budget is checked on the final rendered text with the real tokenizer; if token merges across
/// lines push it over, the lowest-priority items go first (oldest recent, then neighbours, then the
/// weakest hits, pinned last) until it fits. Same store and request, same bytes out.
/// </summary>
public sealed class ContextAssembler(ILogStore log, IEvidenceRetriever retriever, ITokenCounter tokens)
{
    private const int RecentPage = 64;
    private const string TruncationMarker = " …[truncated]";

    private sealed class Placed(Entry entry, string text, int tokens, ContextSectionKind kind, double? score, bool neighbour, bool truncated, int priority)
    {
        public Entry Entry { get; } = entry;
        public string Text { get; } = text;
        public int Tokens { get; } = tokens;
        public ContextSectionKind Kind { get; } = kind;
        public double? Score { get; } = score;
        public bool Neighbour { get; } = neighbour;
        public bool Truncated { get; } = truncated;
        /// <summary>Lower goes first when the final render must shrink.</summary>
        public int Priority { get; } = priority;
    }

    public async Task<AssembledContext> AssembleAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Budget);
        int budget = request.Budget;
        var placed = new List<Placed>();
        var used = new HashSet<long>();

        int LineTokens(Entry e, string text) => tokens.CountTokens(ContextTextRenderer.Line(ContextCitation.Of(e), text));
        int HeadingTokens(ContextSectionKind k) => tokens.CountTokens(ContextTextRenderer.Heading(k)) + 1; // +1: the blank line between sections

        // Pinned.
        int pinnedBudget = (int)(budget * Math.Clamp(request.PinnedShare, 0, 1));
        int pinnedUsed = 0;
        var pinnedEntries = await log.GetByRoleAsync(request.Stream, EntryRole.System, 256, cancellationToken);
        var pinnedPlaced = new List<Placed>();
        foreach (var e in pinnedEntries)
        {
            int cost = LineTokens(e, e.Text) + (pinnedPlaced.Count == 0 ? HeadingTokens(ContextSectionKind.Pinned) : 0);
            if (pinnedUsed + cost <= pinnedBudget)
            {
                pinnedPlaced.Add(new Placed(e, e.Text, cost, ContextSectionKind.Pinned, null, false, false, int.MaxValue - pinnedPlaced.Count));
                pinnedUsed += cost;
                used.Add(e.Seq);
                continue;
            }
            if (pinnedPlaced.Count == 0 && Truncate(e, pinnedBudget - HeadingTokens(ContextSectionKind.Pinned)) is { } cut)
            {
                int cutCost = LineTokens(e, cut) + HeadingTokens(ContextSectionKind.Pinned);
                pinnedPlaced.Add(new Placed(e, cut, cutCost, ContextSectionKind.Pinned, null, false, true, int.MaxValue));
                pinnedUsed += cutCost;
                used.Add(e.Seq);
            }
            break;
        }
        placed.AddRange(pinnedPlaced);
        var pinnedSeqs = pinnedPlaced.Select(p => p.Entry.Seq).ToHashSet();

        int remaining = budget - pinnedUsed;
        int evidenceShare = (int)(remaining * Math.Clamp(request.EvidenceShare, 0, 1));
        int recentBudget = remaining - evidenceShare;

        // Recent window: newest first, contiguous.
        var recentPlaced = new List<Placed>();
        int recentUsed = 0;
        long? oldestRecentSeq = null;
        bool recentExhausted = false;
        async Task ExtendRecentAsync(int allowance)
        {
            while (!recentExhausted)
            {
                var page = await log.GetRecentAsync(request.Stream, RecentPage, oldestRecentSeq, cancellationToken);
                if (page.Count == 0) { recentExhausted = true; return; }
                foreach (var e in page)
                {
                    if (used.Contains(e.Seq))
                    {
                        if (pinnedSeqs.Contains(e.Seq)) { oldestRecentSeq = e.Seq; continue; } // already shown above
                        recentExhausted = true; // an evidence entry: the window stops here rather than leave a hole
                        return;
                    }
                    int cost = LineTokens(e, e.Text) + (recentPlaced.Count == 0 ? HeadingTokens(ContextSectionKind.Recent) : 0);
                    if (recentUsed + cost > allowance) return; // full for now: unused evidence budget may extend it later
                    recentPlaced.Add(new Placed(e, e.Text, cost, ContextSectionKind.Recent, null, false, false, 0));
                    recentUsed += cost;
                    used.Add(e.Seq);
                    oldestRecentSeq = e.Seq;
                }
            }
        }
        await ExtendRecentAsync(recentBudget);

        // Evidence: hits in score order, then neighbours.
        string effectiveQuery = request.Query ?? await LatestMessagesAsync(request.Stream, cancellationToken);
        int evidenceBudget = remaining - recentUsed;
        int evidenceUsed = 0;
        var evidencePlaced = new List<Placed>();
        if (!string.IsNullOrWhiteSpace(effectiveQuery) && evidenceBudget > 0)
        {
            var hits = await retriever.RetrieveAsync(effectiveQuery, SearchFilter.ForStream(request.Stream), Math.Max(1, request.EvidenceCandidates), cancellationToken);
            bool TryPlace(Entry e, double? score, bool neighbour, int prio)
            {
                if (used.Contains(e.Seq) || e.Stream != request.Stream) return false;
                int cost = LineTokens(e, e.Text) + (evidencePlaced.Count == 0 ? HeadingTokens(ContextSectionKind.Evidence) : 0);
                if (evidenceUsed + cost > evidenceBudget) return false;
                evidencePlaced.Add(new Placed(e, e.Text, cost, ContextSectionKind.Evidence, score, neighbour, false, prio));
                evidenceUsed += cost;
                used.Add(e.Seq);
                return true;
            }
            var primary = new List<Entry>();
            int hitPriority = 1_000_000;
            foreach (var hit in hits)
                if (TryPlace(hit.Entry, hit.Score, false, hitPriority--)) primary.Add(hit.Entry);
            if (request.Neighbours > 0)
            {
                int neighbourPriority = 500_000;
                var windows = await log.GetNeighboursAsync(primary.Select(e => e.Seq).ToList(), request.Neighbours, request.Neighbours, cancellationToken);
                foreach (var e in primary)
                {
                    var around = windows[e.Seq];
                    // Nearest first, so a tight budget keeps the turns closest to the hit.
                    foreach (var n in around.OrderBy(n => Math.Abs(n.Seq - e.Seq)).ThenBy(n => n.Seq))
                        TryPlace(n, null, true, neighbourPriority--);
                }
            }
        }
        placed.AddRange(evidencePlaced);

        // Whatever evidence left unused extends the recent window back in time.
        int leftover = remaining - recentUsed - evidenceUsed;
        if (leftover > 0 && !recentExhausted) await ExtendRecentAsync(recentUsed + leftover);
        for (int i = 0; i < recentPlaced.Count; i++)
        {
            // Older recent entries go first when shrinking.
            var r = recentPlaced[i];
            recentPlaced[i] = new Placed(r.Entry, r.Text, r.Tokens, r.Kind, null, false, false, recentPlaced.Count - i);
        }
        placed.AddRange(recentPlaced);

        // Exact check on the final text; shrink by priority until it fits.
        while (true)
        {
            var (text, sections) = Render(placed);
            int count = tokens.CountTokens(text);
            if (count <= budget)
                return new AssembledContext(request.Stream, request.Query, effectiveQuery, budget, count, sections, text);
            var victim = placed.MinBy(p => (p.Priority, p.Entry.Seq))!;
            placed.Remove(victim);
        }
    }

    private string? Truncate(Entry e, int lineBudget)
    {
        string prefix = ContextTextRenderer.Citation(ContextCitation.Of(e)) + " ";
        int available = lineBudget - tokens.CountTokens(prefix) - tokens.CountTokens(TruncationMarker + "\n") - 1;
        if (available <= 0) return null;
        int chars = tokens.PrefixLengthWithin(e.Text, available);
        if (chars <= 0) return null;
        if (chars < e.Text.Length && char.IsHighSurrogate(e.Text[chars - 1])) chars--;
        return chars <= 0 ? null : string.Concat(e.Text.AsSpan(0, chars), TruncationMarker);
    }

    /// <summary>With no query, the last few user and assistant messages stand in for one.</summary>
    private async Task<string> LatestMessagesAsync(string stream, CancellationToken cancellationToken)
    {
        var recent = await log.GetRecentAsync(stream, 8, null, cancellationToken);
        var parts = recent.Where(e => e.Role is EntryRole.User or EntryRole.Assistant).Take(3).Reverse().Select(e => e.Text);
        return string.Join("\n", parts);
    }

    private static (string Text, IReadOnlyList<ContextSection> Sections) Render(List<Placed> placed)
    {
        var sections = new List<ContextSection>();
        var parts = new List<(ContextSectionKind, IReadOnlyList<(ContextCitation, string)>)>();
        foreach (var kind in new[] { ContextSectionKind.Pinned, ContextSectionKind.Evidence, ContextSectionKind.Recent })
        {
            // Every section reads oldest to newest: evidence in time order, the recent window as a transcript.
            var items = placed.Where(p => p.Kind == kind).OrderBy(p => p.Entry.Seq).ToList();
            if (items.Count == 0) continue;
            sections.Add(new ContextSection(kind, items.Select(p => new ContextItem(ContextCitation.Of(p.Entry), p.Text, p.Tokens, p.Score, p.Neighbour, p.Truncated)).ToList()));
            parts.Add((kind, items.Select(p => (ContextCitation.Of(p.Entry), p.Text)).ToList()));
        }
        return (ContextTextRenderer.Render(parts), sections);
    }
}
