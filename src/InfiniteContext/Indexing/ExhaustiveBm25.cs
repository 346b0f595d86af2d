using System.Buffers;

namespace InfiniteContext.Indexing;

/// <summary>
/// Term-at-a-time BM25: every posting of every query term, in every source, into a dense accumulator.
/// Cost grows with the postings of the query's commonest term; kept as the reference the pruned search
/// (<see cref="MaxScoreBm25"/>) must agree with exactly, and for parameters where score bounds do not hold.
/// </summary>
internal static class ExhaustiveBm25
{
    // Score accumulators must start at zero. The shared pool hands out arrays other code returned dirty,
    // so the search keeps its own pool, and every query zeroes exactly the slots it touched before returning.
    private static readonly ArrayPool<float> AccumulatorPool = ArrayPool<float>.Create(maxArrayLength: 1 << 27, maxArraysPerBucket: 4);

    public static IReadOnlyList<ScoredDoc> Run(ScopedSources view, List<(string Term, int Count)> terms, int top)
    {
        if (view.N == 0) return [];
        long n = view.N;
        double avgdl = view.AvgDl, k1 = view.K1, b = view.B;
        var sources = view.Sources;
        int total = view.Bases[^1];
        float[] acc = AccumulatorPool.Rent(Math.Max(1, total));
        int[] touched = ArrayPool<int>.Shared.Rent(256);
        int touchedCount = 0;
        int[] matchDocs = ArrayPool<int>.Shared.Rent(256);
        int[] matchTfs = ArrayPool<int>.Shared.Rent(256);
        try
        {
            foreach (var (term, qtf) in terms)
            {
                int matches = 0;
                for (int s = 0; s < sources.Length; s++)
                {
                    var src = sources[s];
                    if (!view.MayMatch(s)) continue;
                    if (!src.TryGetPostings(term, out var cursor)) continue;
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
                if (matches == 0) continue;
                double weight = Bm25.Idf(n, matches) * qtf * (k1 + 1);
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
            var best = new TopKCollector(top);
            for (int i = 0; i < touchedCount; i++) best.Offer(acc[touched[i]], view.SeqOf(touched[i]));
            return best.Drain();
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
