using System.Diagnostics;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Scores retrieval under proactive interference (see <see cref="InterferenceGenerator"/>): for each key, its
/// question is asked once and the top hit must be the entry holding the key's last update. A miss is split into
/// "stale" (an older update of the same key came first: interference) and "other" (another key, or nothing).
/// Accuracy is reported per update count, so the table shows how it falls as updates pile up.
/// </summary>
public sealed class InterferenceEvaluator(Func<string, string, int, CancellationToken, Task<IReadOnlyList<SearchHit>>> retrieve)
{
    /// <summary>Hits asked for per question; "latest in top 5" reads the first five.</summary>
    public const int Top = 10;

    public async Task<InterferenceReport> EvaluateAsync(InterferenceDataset set, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var levels = new SortedDictionary<int, Accumulator>();
        var overall = new Accumulator();
        var latencies = new List<double>(set.Keys.Count);
        int done = 0;
        foreach (var key in set.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            var hits = await retrieve(key.Question, set.Options.Stream, Top, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var outcome = Judge(key, hits);
            if (!levels.TryGetValue(key.Updates, out var acc)) levels[key.Updates] = acc = new Accumulator();
            acc.Add(outcome);
            overall.Add(outcome);
            progress?.Report(++done);
        }
        latencies.Sort();
        return new InterferenceReport(
            levels.Select(kv => kv.Value.ToScores(kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(),
            overall.ToScores("overall"),
            Percentiles.Of(latencies, 0.5),
            Percentiles.Of(latencies, 0.99));
    }

    internal static Outcome Judge(InterferenceKey key, IReadOnlyList<SearchHit> hits)
    {
        int latestRank = -1;
        for (int i = 0; i < Math.Min(hits.Count, 5); i++)
            if (hits[i].Entry.ExternalId == key.LatestEntryId) { latestRank = i; break; }
        if (latestRank == 0) return Outcome.LatestFirst;
        bool stale = hits.Count > 0 && InterferenceGenerator.ParseEntryId(hits[0].Entry.ExternalId) is { } top && top.Key == key.Id;
        return (stale, latestRank > 0) switch
        {
            (true, true) => Outcome.StaleFirstLatestInTop5,
            (true, false) => Outcome.StaleFirst,
            (false, true) => Outcome.OtherFirstLatestInTop5,
            _ => Outcome.OtherFirst,
        };
    }

    internal enum Outcome { LatestFirst, StaleFirstLatestInTop5, StaleFirst, OtherFirstLatestInTop5, OtherFirst }

    private sealed class Accumulator
    {
        private int _count, _first, _top5, _stale, _other;

        public void Add(Outcome o)
        {
            _count++;
            if (o == Outcome.LatestFirst) _first++;
            if (o is Outcome.LatestFirst or Outcome.StaleFirstLatestInTop5 or Outcome.OtherFirstLatestInTop5) _top5++;
            if (o is Outcome.StaleFirst or Outcome.StaleFirstLatestInTop5) _stale++;
            if (o is Outcome.OtherFirst or Outcome.OtherFirstLatestInTop5) _other++;
        }

        public InterferenceScores ToScores(string name) => new(name, _count, Share(_first), Share(_top5), Share(_stale), Share(_other));

        private double Share(int n) => _count == 0 ? 0 : Math.Round((double)n / _count, 4);
    }
}

/// <summary>One row: keys asked about, the share whose latest update ranked first, in the top 5, and the share whose top hit was a stale update of the same key or another key.</summary>
public sealed record InterferenceScores(string Updates, int Keys, double LatestFirst, double LatestInTop5, double StaleFirst, double OtherFirst);

public sealed record InterferenceReport(IReadOnlyList<InterferenceScores> ByUpdateCount, InterferenceScores Overall, double QueryP50Ms, double QueryP99Ms);
