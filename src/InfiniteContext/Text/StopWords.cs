using System.Collections.Frozen;

namespace InfiniteContext.Text;

/// <summary>
/// Function words dropped at index and query time: they carry no topic, and their postings would be the
/// longest lists in the index (the cost of a query is the length of its terms' postings).
/// Kept deliberately short: question words such as "when" and "where" are dropped, content verbs are not.
/// </summary>
internal static class StopWords
{
    private static readonly FrozenSet<string> Words = FrozenSet.Create(StringComparer.Ordinal,
    [
        "a", "an", "the", "and", "or", "but", "nor", "if", "then", "else", "so", "than", "too", "very",
        "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before",
        "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
        "again", "further", "once", "here", "there", "when", "where", "why", "how", "all", "any", "both",
        "each", "few", "more", "most", "other", "some", "such", "no", "not", "only", "own", "same", "can",
        "will", "just", "should", "now", "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you",
        "your", "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
        "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
        "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be", "been",
        "being", "have", "has", "had", "having", "do", "does", "did", "doing", "would", "could", "might",
        "must", "shall", "may", "im", "ive", "id", "ill", "youre", "youve", "youll", "hes", "shes", "its",
        "were", "theyre", "theyve", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant",
        "couldnt", "wouldnt", "shouldnt", "wont", "s", "t", "also", "yeah", "oh", "ok", "okay", "really",
    ]);

    public static bool Contains(ReadOnlySpan<char> word) => Words.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
}
