using System.Text.RegularExpressions;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Facts change: "I live in Boston" then, a year later, "I moved to Denver". When a query asks for the current
/// state ("where does she live now?"), hits that state the same fact are reordered so the newest comes first,
/// taking the best score of its group. Two hits state the same fact when they cover the same query terms
/// (<see cref="QueryCoverage"/>: a hit about another subject differs on the term naming it) and either the same
/// speaker says much the same thing (a word-set Jaccard similarity of at least <see cref="Similarity"/>) or both
/// contain every topic term of the query (at least <see cref="MinTopicTerms"/>): then the query cannot tell them
/// apart, whoever said it and however it was worded, and the newest is the current answer.
/// </summary>
public static partial class RecencyPreference
{
    /// <summary>How many hits past the requested count are gathered so a newer near-duplicate can move up.</summary>
    public const int Window = 10;
    public const double Similarity = 0.5;

    /// <summary>Full coverage groups hits only when the query has this many topic terms; one shared word is too weak a sign of one fact.</summary>
    public const int MinTopicTerms = 2;

    public static bool AsksForCurrentState(string query) => CurrentStateCue().IsMatch(query);

    /// <summary>The query with its current-state cues removed: what is left names the topic.</summary>
    internal static string WithoutCurrentStateCues(string query) => CurrentStateCue().Replace(query, " ");

    /// <summary>Groups by wording alone (same speaker, near-duplicate text), for callers without the query.</summary>
    public static List<SearchHit> LatestFirst(List<SearchHit> hits) => LatestFirst(hits, (QueryCoverage?)null);

    /// <summary>Groups hits that state the same fact with respect to <paramref name="query"/> (see the class summary).</summary>
    public static List<SearchHit> LatestFirst(List<SearchHit> hits, string query) => LatestFirst(hits, QueryCoverage.For(query));

    /// <summary>Whether an entry holds every topic term of a query that has enough of them to group on coverage alone.</summary>
    internal static bool CoversTopic(QueryCoverage coverage, Entry entry) =>
        coverage.Count >= MinTopicTerms && coverage.Of(entry) == coverage.Full;

    internal static List<SearchHit> LatestFirst(List<SearchHit> hits, QueryCoverage? coverage)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var words = hits.Select(h => Words(h.Entry.Text)).ToArray();
        var covered = coverage is null ? null : hits.Select(h => coverage.Of(h.Entry)).ToArray();
        bool fullGroups = coverage is { Count: >= MinTopicTerms };
        var group = new int[hits.Count];
        for (int i = 0; i < hits.Count; i++) group[i] = i;
        for (int i = 0; i < hits.Count; i++)
            for (int j = 0; j < i; j++)
                if (group[j] == j && SameFact(i, j))
                {
                    group[i] = group[j];
                    break;
                }
        // Each group keeps the rank of its best member (its first) and lists its members newest first.
        var result = new List<SearchHit>(hits.Count);
        for (int i = 0; i < hits.Count; i++)
        {
            if (group[i] != i) continue;
            var members = Enumerable.Range(i, hits.Count - i).Where(k => group[k] == i).Select(k => hits[k]).ToList();
            if (members.Count == 1)
            {
                result.Add(members[0]);
                continue;
            }
            double best = members[0].Score;
            var ordered = members.OrderByDescending(h => h.Entry.Time ?? DateTimeOffset.MinValue).ThenByDescending(h => h.Entry.Seq).ToList();
            result.Add(ordered[0] with { Score = best });
            result.AddRange(ordered.Skip(1));
        }
        return result;

        bool SameFact(int i, int j)
        {
            var a = hits[i].Entry;
            var b = hits[j].Entry;
            if (a.Stream != b.Stream) return false;
            if (covered is not null && covered[i] != covered[j]) return false;
            if (fullGroups && covered![i] == coverage!.Full) return true;
            return SameSpeaker(a, b) && Jaccard(words[i], words[j]) >= Similarity;
        }
    }

    private static bool SameSpeaker(Entry a, Entry b) =>
        a.Stream == b.Stream && string.Equals(a.Speaker, b.Speaker, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0) return 0;
        int shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}']*|\p{N}+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\b(now|currently|current|latest|still|these days|nowadays|anymore|most recent(?:ly)?|at present|at the moment)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CurrentStateCue();
}
