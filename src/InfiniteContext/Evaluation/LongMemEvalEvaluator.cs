using System.Diagnostics;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Retrieval recall on LongMemEval-layout data, with no LLM. Each instance's haystack goes into its own stream
/// (through the ingest callback), its question is asked there, and the ranked turns are scored at two levels:
/// sessions (ranked by their best turn) against <c>answer_session_ids</c>, as Hit@k (any answer session among
/// the top k) and Recall@k (the share of answer sessions among them); and turns against the turns marked
/// <c>has_answer</c>, as Recall@k. Rows per question type, overall, and abstention questions apart (their
/// answer is not in the haystack, so their recall says something different). One instance in memory at a time.
/// </summary>
public sealed class LongMemEvalEvaluator(
    Func<LongMemEvalInstance, CancellationToken, Task> ingest,
    Func<string, string, int, CancellationToken, Task<IReadOnlyList<SearchHit>>> retrieve)
{
    public static readonly int[] SessionKs = [1, 5, 10];
    public static readonly int[] TurnKs = [1, 5, 10, 25];

    /// <summary>Turns retrieved per question; sessions are ranked from these.</summary>
    public const int Top = 50;

    public async Task<LongMemEvalReport> EvaluateAsync(IAsyncEnumerable<LongMemEvalInstance> instances, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var byType = new SortedDictionary<string, Accumulator>(StringComparer.Ordinal);
        var overall = new Accumulator();
        var abstention = new Accumulator();
        var latencies = new List<double>();
        int unscorable = 0, done = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var instance in instances.WithCancellation(cancellationToken))
        {
            if (!seen.Add(instance.QuestionId)) throw new ArgumentException($"question_id '{instance.QuestionId}' appears twice; each instance needs its own stream");
            var haystack = instance.Sessions.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var answerSessions = instance.AnswerSessionIds.Where(haystack.Contains).ToHashSet(StringComparer.Ordinal);
            if (answerSessions.Count == 0)
            {
                unscorable++;
                progress?.Report(++done);
                continue;
            }
            await ingest(instance, cancellationToken);
            long start = Stopwatch.GetTimestamp();
            var hits = await retrieve(instance.Question, instance.QuestionId, Top, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            var evidence = EvidenceTurns(instance);
            var rankedSessions = hits.Select(h => h.Entry.Session).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var sessionHit = SessionKs.Select(k => rankedSessions.Take(k).Any(answerSessions.Contains)).ToArray();
            var sessionRecall = SessionKs.Select(k => (double)rankedSessions.Take(k).Count(answerSessions.Contains) / answerSessions.Count).ToArray();
            double[]? turnRecall = evidence.Count == 0 ? null
                : TurnKs.Select(k => (double)hits.Take(k).Count(h => h.Entry.ExternalId is { } id && evidence.Contains(id)) / evidence.Count).ToArray();

            if (instance.IsAbstention)
            {
                abstention.Add(sessionHit, sessionRecall, turnRecall);
            }
            else
            {
                if (!byType.TryGetValue(instance.QuestionType, out var typed)) byType[instance.QuestionType] = typed = new Accumulator();
                typed.Add(sessionHit, sessionRecall, turnRecall);
                overall.Add(sessionHit, sessionRecall, turnRecall);
            }
            progress?.Report(++done);
        }
        latencies.Sort();
        return new LongMemEvalReport(
            byType.Select(kv => kv.Value.ToScores(kv.Key)).ToList(),
            overall.ToScores("overall"),
            abstention.ToScores("abstention"),
            unscorable,
            Percentiles.Of(latencies, 0.5),
            Percentiles.Of(latencies, 0.99));
    }

    /// <summary>Ids of the turns marked has_answer that were ingested (a blank turn is not an entry).</summary>
    internal static HashSet<string> EvidenceTurns(LongMemEvalInstance instance)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < instance.Sessions.Count; s++)
            for (int t = 0; t < instance.Sessions[s].Turns.Count; t++)
            {
                var turn = instance.Sessions[s].Turns[t];
                if (turn.HasAnswer && !string.IsNullOrWhiteSpace(turn.Content)) ids.Add(LongMemEvalDataset.TurnId(s, t));
            }
        return ids;
    }

    private sealed class Accumulator
    {
        private readonly double[] _sessionHit = new double[SessionKs.Length];
        private readonly double[] _sessionRecall = new double[SessionKs.Length];
        private readonly double[] _turnRecall = new double[TurnKs.Length];
        private int _count, _turnCount;

        public void Add(bool[] sessionHit, double[] sessionRecall, double[]? turnRecall)
        {
            _count++;
            for (int i = 0; i < SessionKs.Length; i++)
            {
                if (sessionHit[i]) _sessionHit[i]++;
                _sessionRecall[i] += sessionRecall[i];
            }
            if (turnRecall is null) return;
            _turnCount++;
            for (int i = 0; i < TurnKs.Length; i++) _turnRecall[i] += turnRecall[i];
        }

        public LongMemEvalScores ToScores(string name) => new(
            name,
            _count,
            Mean(_sessionHit, _count),
            Mean(_sessionRecall, _count),
            _turnCount,
            Mean(_turnRecall, _turnCount));

        private static IReadOnlyList<double> Mean(double[] sums, int n) => sums.Select(s => n == 0 ? 0 : Math.Round(s / n, 4)).ToArray();
    }
}

/// <summary>
/// One row. <see cref="SessionHit"/> and <see cref="SessionRecall"/> are indexed like
/// <see cref="LongMemEvalEvaluator.SessionKs"/>, <see cref="TurnRecall"/> like <see cref="LongMemEvalEvaluator.TurnKs"/>;
/// turn recall is averaged over the <see cref="TurnQuestions"/> questions that mark at least one turn has_answer.
/// </summary>
public sealed record LongMemEvalScores(string Name, int Questions, IReadOnlyList<double> SessionHit, IReadOnlyList<double> SessionRecall, int TurnQuestions, IReadOnlyList<double> TurnRecall);

public sealed record LongMemEvalReport(IReadOnlyList<LongMemEvalScores> Types, LongMemEvalScores Overall, LongMemEvalScores Abstention, int UnscorableQuestions, double QueryP50Ms, double QueryP99Ms);
