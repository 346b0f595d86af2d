namespace InfiniteContext.Indexing;

/// <summary>
/// Document-at-a-time BM25 with MaxScore dynamic pruning: exactly the top-k of <see cref="ExhaustiveBm25"/> (same documents,
/// same float scores, same tie order), without decoding most postings of the query's common terms.
///
/// Per source, terms are ordered by their score upper bound (<see cref="Bm25.Bound"/> at the list's largest tf and smallest
/// length per tf).
/// Once the top-k is full with threshold θ, the longest prefix of terms whose bounds sum below θ is "non-essential":
/// no document they alone contain can get in, so candidates come only from the other ("essential") lists; the
/// non-essential lists are only probed with <see cref="PostingsCursor.Advance"/> (skipping whole blocks), and a candidate
/// is dropped as soon as its partial score plus the remaining bounds (per block where the skip data has them) falls below θ.
///
/// Exactness: the final score is summed in float in query-term order, as the exhaustive search does. Bounds are compared
/// with a relative slack far above float rounding, and a candidate is dropped only when its bound is strictly below θ,
/// so a document that could tie the weakest kept one (and win on seq) is always scored.
///
/// Document frequencies: pruning needs each term's df over the scope before scoring. Where a source is wholly inside the
/// scope (see <see cref="ScopedSources.Coverage"/>) that is the list's stored length; where it is wholly outside, zero.
/// Otherwise (a segment shared with other streams, a time or role filter that cuts through it, deletes awaiting the next
/// flush, a speaker or session filter) the only exact count is a walk through the filter, as the exhaustive search does;
/// such sources are scored term-at-a-time during that walk (<see cref="ExhaustiveBm25.ScoreSources"/>), which costs what
/// the exhaustive search cost, and only the wholly covered sources are pruned. The formulas are unchanged, so scores are too.
/// </summary>
internal static class MaxScoreBm25
{
    public static IReadOnlyList<ScoredDoc> Run(ScopedSources view, List<(string Term, int Count)> terms, int top)
    {
        if (view.N == 0) return [];
        double k1 = view.K1, b = view.B, avgdl = view.AvgDl;
        var sources = view.Sources;
        int m = terms.Count;
        var coverage = new ScopeCoverage[sources.Length];
        for (int s = 0; s < sources.Length; s++) coverage[s] = view.Coverage(s);

        // 1. Sources wholly inside the scope give each term's df from the stored list length, without a walk. The others
        //    (partly inside) must be walked to count df exactly; having walked them, score them term-at-a-time right away.
        var dfStored = new long[m];
        var walk = new bool[sources.Length];
        bool anyWalk = false;
        for (int s = 0; s < sources.Length; s++)
        {
            walk[s] = coverage[s] == ScopeCoverage.Some;
            anyWalk |= walk[s];
            if (coverage[s] != ScopeCoverage.All) continue;
            for (int t = 0; t < m; t++)
                if (sources[s].TryGetPostings(terms[t].Term, out var cursor)) dfStored[t] += cursor.Count;
        }
        var best = new TopKCollector(top);
        double[] weights;
        if (anyWalk)
        {
            weights = ExhaustiveBm25.ScoreSources(view, terms, walk, dfStored, best);
        }
        else
        {
            weights = new double[m];
            for (int t = 0; t < m; t++)
                if (dfStored[t] > 0) weights[t] = Bm25.Idf(view.N, dfStored[t]) * terms[t].Count * (k1 + 1);
        }

        // 2. The wholly covered sources document-at-a-time with pruning, into the same top-k (its threshold carries over).
        var state = new SourceState(m);
        // Float rounding of m contributions and their sum is below m * 2^-24 relative; the slack is far above it.
        double slack = 1 + 1e-6 * (m + 2);
        for (int s = 0; s < sources.Length; s++)
        {
            if (coverage[s] != ScopeCoverage.All) continue;
            var src = sources[s];
            int active = 0;
            for (int t = 0; t < m; t++)
            {
                if (weights[t] == 0 || !src.TryGetPostings(terms[t].Term, out var cursor)) continue;
                state.Cursors[active] = cursor;
                state.Term[active] = t;
                state.Bound[active] = Bm25.Bound(weights[t], cursor.MaxTf, cursor.MinLengthPerTf, k1, b, avgdl) * slack;
                active++;
            }
            if (active == 0) continue;
            ScoreSource(view, s, state, active, weights, best, slack);
        }
        return best.Drain();
    }

    /// <summary>Per-source working arrays, allocated once per query.</summary>
    private sealed class SourceState(int m)
    {
        public readonly PostingsCursor[] Cursors = new PostingsCursor[m];
        public readonly int[] Term = new int[m];
        public readonly double[] Bound = new double[m];
        public readonly double[] Cumulative = new double[m];
        public readonly int[] Doc = new int[m];
        public readonly int[] Tf = new int[m];
        /// <summary>Per term (bound order): the current block's last doc, its score bound, and prefix sums of the non-essential ones.</summary>
        public readonly int[] BlockLast = new int[m];
        public readonly double[] BlockBound = new double[m];
        public readonly double[] BlockPrefix = new double[m];
        /// <summary>Indexed by query term position: this candidate's float contribution, and whether it has one.</summary>
        public readonly float[] Contribution = new float[m];
        public readonly bool[] Present = new bool[m];
    }

    private static void ScoreSource(ScopedSources view, int s, SourceState st, int active, double[] weights, TopKCollector best, double slack)
    {
        var src = view.Sources[s];
        double k1 = view.K1, b = view.B, avgdl = view.AvgDl;
        var cursors = st.Cursors;

        // Ascending bound order (ties by query position, for determinism).
        for (int i = 1; i < active; i++)
        {
            for (int j = i; j > 0 && (st.Bound[j - 1] > st.Bound[j] || (st.Bound[j - 1] == st.Bound[j] && st.Term[j - 1] > st.Term[j])); j--)
            {
                (cursors[j - 1], cursors[j]) = (cursors[j], cursors[j - 1]);
                (st.Term[j - 1], st.Term[j]) = (st.Term[j], st.Term[j - 1]);
                (st.Bound[j - 1], st.Bound[j]) = (st.Bound[j], st.Bound[j - 1]);
            }
        }
        double sum = 0;
        for (int i = 0; i < active; i++)
        {
            st.Cumulative[i] = sum += st.Bound[i];
            st.Doc[i] = cursors[i].Next(out int d, out int tf) ? d : int.MaxValue;
            st.Tf[i] = tf;
            st.BlockLast[i] = -1;
        }

        float theta = best.Threshold;
        int essential = 0;
        while (essential < active && st.Cumulative[essential] < theta) essential++;

        while (essential < active)
        {
            int doc = int.MaxValue;
            for (int i = essential; i < active; i++) doc = Math.Min(doc, st.Doc[i]);
            if (doc == int.MaxValue) break;

            // Block-max: each term's bound over the block that would hold its posting for `doc`. The bounds hold for every
            // doc up to the nearest block end, so when even their sum is below θ the whole run of docs is skipped unread.
            double blockSum = 0;
            int upTo = int.MaxValue;
            for (int i = 0; i < active; i++)
            {
                if (doc > st.BlockLast[i]) RefreshBlock(st, i, doc, weights, k1, b, avgdl, slack);
                blockSum += st.BlockBound[i];
                upTo = Math.Min(upTo, st.BlockLast[i]);
            }
            // An essential term whose next posting lies beyond `doc` adds nothing before that posting: dropping its block bound
            // (highest bounds first) and ending the run just before it can bring the sum below θ.
            for (int i = active - 1; i >= essential && blockSum >= theta; i--)
            {
                if (st.Doc[i] <= doc) continue;
                blockSum -= st.BlockBound[i];
                upTo = Math.Min(upTo, st.Doc[i] - 1);
            }
            if (blockSum < theta)
            {
                if (upTo == int.MaxValue) break;
                for (int i = essential; i < active; i++)
                {
                    if (st.Doc[i] > upTo) continue;
                    st.Doc[i] = cursors[i].Advance(upTo + 1, out int d, out int tf) ? d : int.MaxValue;
                    st.Tf[i] = tf;
                }
                continue;
            }

            // This doc's own bound: block bounds of the essential terms it holds and of every non-essential term.
            double bound = 0;
            for (int i = 0; i < active; i++)
            {
                if (i < essential) st.BlockPrefix[i] = bound += st.BlockBound[i];
                else if (st.Doc[i] == doc) bound += st.BlockBound[i];
            }
            if (bound >= theta)
            {
                int length = src.Length(doc);
                double partial = 0;
                for (int i = essential; i < active; i++)
                {
                    if (st.Doc[i] != doc) continue;
                    int t = st.Term[i];
                    double c = Bm25.Term(weights[t], st.Tf[i], length, k1, b, avgdl);
                    st.Contribution[t] = (float)c;
                    st.Present[t] = true;
                    partial += c;
                }
                bool pruned = false;
                for (int i = essential - 1; i >= 0; i--)
                {
                    // Non-essential terms 0..i can add at most BlockPrefix[i] here.
                    if (partial * slack + st.BlockPrefix[i] < theta) { pruned = true; break; }
                    if (st.Doc[i] < doc)
                    {
                        st.Doc[i] = cursors[i].Advance(doc, out int d, out int tf) ? d : int.MaxValue;
                        st.Tf[i] = tf;
                    }
                    if (st.Doc[i] == doc)
                    {
                        int t = st.Term[i];
                        double c = Bm25.Term(weights[t], st.Tf[i], length, k1, b, avgdl);
                        st.Contribution[t] = (float)c;
                        st.Present[t] = true;
                        partial += c;
                    }
                }
                if (!pruned)
                {
                    // Summed in float in query order, exactly as the exhaustive accumulator does.
                    float score = 0f;
                    for (int t = 0; t < st.Present.Length; t++)
                        if (st.Present[t]) score += st.Contribution[t];
                    if (best.Offer(score, src.Seq(doc)) && best.IsFull)
                    {
                        theta = best.Threshold;
                        while (essential < active && st.Cumulative[essential] < theta) essential++;
                    }
                }
                Array.Clear(st.Present);
            }

            for (int i = 0; i < active; i++)
            {
                if (st.Doc[i] != doc) continue;
                st.Doc[i] = cursors[i].Next(out int d, out int tf) ? d : int.MaxValue;
                st.Tf[i] = tf;
            }
        }
    }

    /// <summary>
    /// Loads term <paramref name="i"/>'s block bound for docs from <paramref name="doc"/> on: valid up to the block's last doc
    /// (a posting of the term in that range can only be in that block), or for good once the list has nothing at or after it.
    /// </summary>
    private static void RefreshBlock(SourceState st, int i, int doc, double[] weights, double k1, double b, double avgdl, double slack)
    {
        if (st.Cursors[i].BlockBound(doc, out int last, out int maxTf, out float minLengthPerTf))
        {
            st.BlockLast[i] = last;
            st.BlockBound[i] = Bm25.Bound(weights[st.Term[i]], maxTf, minLengthPerTf, k1, b, avgdl) * slack;
        }
        else
        {
            st.BlockLast[i] = int.MaxValue;
            st.BlockBound[i] = 0;
        }
    }
}
