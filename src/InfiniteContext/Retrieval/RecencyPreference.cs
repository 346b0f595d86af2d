using System.Text.RegularExpressions;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Facts change: "I live in Boston" then, a year later, "I moved to Denver". When a query asks for the current
/// state ("where does she live now?"), near-duplicate hits (the same speaker saying much the same thing) are
/// reordered so the newest comes first, taking the best score of its group. Near-duplicate means a word-set
/// Jaccard similarity of at least <see cref="Similarity"/> between the two texts.
/// </summary>
public static partial class RecencyPreference
{
    /// <summary>How many hits past the requested count are gathered so a newer near-duplicate can move up.</summary>
    public const int Window = 10;
    public const double Similarity = 0.5;

    public static bool AsksForCurrentState(string query) => CurrentStateCue().IsMatch(query);

    public static List<SearchHit> LatestFirst(List<SearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var words = hits.Select(h => Words(h.Entry.Text)).ToArray();
        var group = new int[hits.Count];
        for (int i = 0; i < hits.Count; i++) group[i] = i;
        for (int i = 0; i < hits.Count; i++)
            for (int j = 0; j < i; j++)
                if (group[j] == j && SameSpeaker(hits[i].Entry, hits[j].Entry) && Jaccard(words[i], words[j]) >= Similarity)
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
