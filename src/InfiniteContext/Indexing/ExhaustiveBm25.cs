using System.Buffers;

namespace InfiniteContext.Indexing;

/// <summary>
/// Term-at-a-time BM25: every posting of every query term, in every source, into a dense accumulator.
/// Cost grows with the postings of the query's commonest terms. <see cref="Run"/> is the reference the pruned
/// search (<see cref="MaxScoreBm25"/>) must agree with exactly, and the path for BM25 parameters under which
/// score bounds do not hold; <see cref="ScoreSources"/> also serves the pruned search for the sources whose
/// document frequencies can only be had by walking their lists anyway.
/// </summary>
internal static class ExhaustiveBm25
{
    // Score accumulators must start at zero. The shared pool hands out arrays other code returned dirty,
    // so the search keeps its own pool, and every query zeroes exactly the slots it touched before returning.
    private static readonly ArrayPool<float> AccumulatorPool = ArrayPool<float>.Create(maxArrayLength: 1 << 27, maxArraysPerBucket: 4);

    public static IReadOnlyList<ScoredDoc> Run(ScopedSources view, List<(string Term, int Count)> terms, int top)
    {
        if (view.N == 0) return [];
        var best = new TopKCollector(top);
        var walk = new bool[view.Sources.Length];
        Array.Fill(walk, true);
        ScoreSources(view, terms, walk, new long[terms.Count], best);
        return best.Drain();
    }

    /// <summary>
    /// Scores the documents of the sources marked in <paramref name="walk"/> into <paramref name="best"/>, term by term.
    /// A term's df is <paramref name="dfElsewhere"/> (its exact df in the sources not walked) plus the postings here that
    /// pass the filter; returns each term's BM25 weight (idf * qtf * (k1 + 1); 0 when df is 0).
    /// </summary>
    public static double[] ScoreSources(ScopedSources view, List<(string Term, int Count)> terms, bool[] walk, long[] dfElsewhere, TopKCollector best)
    {
        long n = view.N;
        double avgdl = view.AvgDl, k1 = view.K1, b = view.B;
        var sources = view.Sources;
        var weights = new double[terms.Count];
        float[] acc = AccumulatorPool.Rent(Math.Max(1, view.Bases[^1]));
        int[] touched = ArrayPool<int>.Shared.Rent(256);
        int touchedCount = 0;
        int[] matchDocs = ArrayPool<int>.Shared.Rent(256);
        int[] matchTfs = ArrayPool<int>.Shared.Rent(256);
        try
        {
            for (int t = 0; t < terms.Count; t++)
            {
                int matches = 0;
                for (int s = 0; s < sources.Length; s++)
                {
                    var src = sources[s];
                    if (!walk[s] || !view.MayMatch(s)) continue;
                    if (!src.TryGetPostings(terms[t].Term, out var cursor)) continue;
                    int baseDoc = view.Bases[s];
                    while (cursor.Next(out int doc, out int tf))
                    {
                        if (!view.Passes(s, doc)) continue;
                        if (matches == matchDocs.Length)
                        {
                            Grow(ref matchDocs, matches);
                            Grow(ref matchTfs, matches);
                        }
                        matchDocs[matches] = baseDoc + doc;
                        matchTfs[matches] = tf;
                        matches++;
                    }
                }
                long df = dfElsewhere[t] + matches;
                if (df == 0) continue;
                double weight = weights[t] = Bm25.Idf(n, df) * terms[t].Count * (k1 + 1);
                for (int m = 0; m < matches; m++)
                {
                    int g = matchDocs[m];
                    float score = (float)Bm25.Term(weight, matchTfs[m], view.LengthOf(g), k1, b, avgdl);
                    if (acc[g] == 0f)
                    {
                        if (touchedCount == touched.Length) Grow(ref touched, touchedCount);
                        touched[touchedCount++] = g;
                    }
                    acc[g] += score;
                }
            }
            for (int i = 0; i < touchedCount; i++) best.Offer(acc[touched[i]], view.SeqOf(touched[i]));
            return weights;
        }
        finally
        {
            for (int i = 0; i < touchedCount; i++) acc[touched[i]] = 0f;
            AccumulatorPool.Return(acc);
            ArrayPool<int>.Shared.Return(touched);
            ArrayPool<int>.Shared.Return(matchDocs);
            ArrayPool<int>.Shared.Return(matchTfs);
        }
    }

    private static void Grow(ref int[] array, int used)
    {
        var bigger = ArrayPool<int>.Shared.Rent(array.Length * 2);
        Array.Copy(array, bigger, used);
        ArrayPool<int>.Shared.Return(array);
        array = bigger;
    }
}
