using System.Diagnostics;
using InfiniteContext.Ingest;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Evidence recall on LoCoMo-layout data, with no LLM: for each question, retrieve within its own
/// conversation and check which evidence turns ("D3:7") are among the top k. Turn Recall@k is the share
/// of a question's evidence turns found; session Hit@1 is whether the top hit lies in a session that holds
/// evidence. Questions whose evidence names no existing turn are counted apart, never scored.
/// <para>
/// "Not in memory": with two or more conversations, each question is also asked of the next conversation, which
/// does not hold its answer, and the result set's confidence there is set against the one from its own
/// conversation. The AUC is the chance that the own conversation's confidence is the higher of the two (0.5: the
/// confidence cannot tell them apart).
/// </para>
/// </summary>
public sealed class LocomoEvaluator(Func<string, string, int, CancellationToken, Task<IReadOnlyList<SearchHit>>> retrieve)
{
    public static readonly int[] Ks = [1, 5, 10, 25];

    public async Task<LocomoReport> EvaluateAsync(IReadOnlyList<LocomoSample> samples, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var byCategory = new Dictionary<LocomoCategory, Accumulator>();
        var overall = new Accumulator();
        var latencies = new List<double>();
        int unscorable = 0, malformed = 0, done = 0;
        var bins = new (int Hits, int Evidence)[10];
        var own = new List<double>();
        var foreign = new List<double>();
        for (int si = 0; si < samples.Count; si++)
        {
            var sample = samples[si];
            foreach (var q in sample.Questions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (q.MalformedEvidence.Count > 0) malformed++;
                var evidence = q.Evidence.Where(sample.TurnIds.Contains).ToHashSet(StringComparer.Ordinal);
                if (evidence.Count == 0)
                {
                    unscorable++;
                    continue;
                }
                long start = Stopwatch.GetTimestamp();
                var hits = await retrieve(q.Question, sample.SampleId, Ks[^1], cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                var ids = hits.Select(h => h.Entry.ExternalId).ToList();
                foreach (var h in hits.Take(10))
                {
                    if (h.Confidence is not { } c) continue;
                    int bin = Math.Clamp((int)(c * 10), 0, 9);
                    bins[bin].Hits++;
                    if (h.Entry.ExternalId is { } id && evidence.Contains(id)) bins[bin].Evidence++;
                }
                if (samples.Count > 1)
                {
                    own.Add(ConfidenceModel.ForResults(hits.Take(10).ToList()));
                    var elsewhere = await retrieve(q.Question, samples[(si + 1) % samples.Count].SampleId, 10, cancellationToken);
                    foreign.Add(ConfidenceModel.ForResults(elsewhere));
                }
                var recalls = Ks.Select(k => (double)ids.Take(k).Count(id => id is not null && evidence.Contains(id)) / evidence.Count).ToArray();
                var evidenceSessions = evidence.Select(SessionOf).ToHashSet(StringComparer.Ordinal);
                bool sessionHit = ids.Count > 0 && ids[0] is { } top && evidenceSessions.Contains(SessionOf(top));
                if (!byCategory.TryGetValue(q.Category, out var acc)) byCategory[q.Category] = acc = new Accumulator();
                acc.Add(recalls, sessionHit);
                overall.Add(recalls, sessionHit);
                progress?.Report(++done);
            }
        }
        latencies.Sort();
        return new LocomoReport(
            overall.ToScores("overall"),
            byCategory.OrderBy(kv => kv.Key).Select(kv => kv.Value.ToScores(kv.Key.ToString())).ToList(),
            unscorable,
            malformed,
            Percentiles.Of(latencies, 0.5),
            Percentiles.Of(latencies, 0.99),
            bins.Select((b, i) => new CalibrationBin(i / 10.0, (i + 1) / 10.0, b.Hits, b.Hits == 0 ? 0 : Math.Round((double)b.Evidence / b.Hits, 3)))
                .Where(b => b.Hits > 0).ToList())
        {
            NotInMemory = own.Count == 0 ? null : NotInMemoryScore.Of(own, foreign),
        };
    }

    /// <summary>"D3:7" -> "D3": LoCoMo turn ids name their session.</summary>
    internal static string SessionOf(string turnId)
    {
        int colon = turnId.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? turnId : turnId[..colon];
    }


    private sealed class Accumulator
    {
        private readonly double[] _recall = new double[Ks.Length];
        private int _sessionHits;
        private int _count;

        public void Add(double[] recalls, bool sessionHit)
        {
            for (int i = 0; i < recalls.Length; i++) _recall[i] += recalls[i];
            if (sessionHit) _sessionHits++;
            _count++;
        }

        public LocomoScores ToScores(string name) => new(
            name,
            _count,
            _count == 0 ? 0 : Math.Round(_recall[0] / _count, 4),
            _count == 0 ? 0 : Math.Round(_recall[1] / _count, 4),
            _count == 0 ? 0 : Math.Round(_recall[2] / _count, 4),
            _count == 0 ? 0 : Math.Round(_recall[3] / _count, 4),
            _count == 0 ? 0 : Math.Round((double)_sessionHits / _count, 4));
    }
}

public sealed record LocomoScores(string Name, int Questions, double RecallAt1, double RecallAt5, double RecallAt10, double RecallAt25, double SessionHitAt1);

public sealed record LocomoReport(LocomoScores Overall, IReadOnlyList<LocomoScores> Categories, int UnscorableQuestions, int QuestionsWithMalformedEvidence, double QueryP50Ms, double QueryP99Ms, IReadOnlyList<CalibrationBin> Calibration)
{
    /// <summary>How well the result-set confidence tells a question's own conversation from one without its answer (null with one conversation).</summary>
    public NotInMemoryScore? NotInMemory { get; init; }
}

/// <summary>Top-10 hits whose confidence fell in [From, To), and the share of them that were evidence turns: a reliability table.</summary>
public sealed record CalibrationBin(double From, double To, int Hits, double ObservedEvidenceRate);
