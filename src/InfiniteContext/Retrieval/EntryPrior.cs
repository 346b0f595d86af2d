namespace InfiniteContext.Retrieval;

/// <summary>
/// What is known of an entry before reading the query's channels, added to its fused score:
/// <list type="bullet">
/// <item>Content: a turn that says more is more often the one that holds a fact. "Wow, cool!" answers nothing,
/// yet BM25's length normalization and the short vectors of short texts lift such turns. The prior grows with the
/// log of the entry's token count, so it separates a greeting from a statement without favouring essays. It is a
/// prior about dialogue, so it applies to turns (entries with a speaker) only: among document chunks or generated
/// records length says how the text was cut, not how much it tells, and a short fact among long paragraphs is the
/// entry most worth finding (`eval niah`, non-literal needles at 200K tokens: 9/25 at rank 1 without it, 3/25 with
/// it applied to every entry).</item>
/// <item>Speaker: a query that names some of the people it could be about ("What did Caroline research?") is
/// most often answered in what they said. Turns by the people named gain, turns by the others lose. A query
/// naming every speaker among the candidates, or none, leaves this part at zero.</item>
/// <item>Questions: a turn that asks ("What pet do you have?") repeats the words of a question about the fact
/// without holding it; the answer is in a statement. Turns whose own text (a trailing bracketed annotation such as
/// a photo caption left out) ends in a question mark lose <see cref="RetrievalOptions.QuestionPrior"/>.</item>
/// </list>
/// Both are small beside a channel's z-score: they decide between near-equal candidates, they do not promote
/// what no channel found.
/// </summary>
internal sealed class EntryPrior
{
    private const double ReferenceTokens = 20; // a typical chat turn: entries this long get no content prior

    private readonly double _contentWeight;
    private readonly double _speakerWeight;
    private readonly double _questionWeight;
    private readonly HashSet<string>? _named;

    private EntryPrior(double contentWeight, double speakerWeight, double questionWeight, HashSet<string>? named)
    {
        _contentWeight = contentWeight;
        _speakerWeight = speakerWeight;
        _questionWeight = questionWeight;
        _named = named;
    }

    /// <summary>The prior for one query over its candidates (whose speakers are the ones the query may name).</summary>
    public static EntryPrior For(string query, IEnumerable<Entry> candidates, RetrievalOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        HashSet<string>? named = null;
        if (options.SpeakerPrior > 0)
        {
            var words = QueryWords(query);
            var speakers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var e in candidates)
                if (!string.IsNullOrWhiteSpace(e.Speaker)) speakers.Add(e.Speaker);
            var matched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var s in speakers)
                if (Names(s, words)) matched.Add(s);
            // Naming everyone (or no one) says nothing about whose turn answers.
            if (matched.Count > 0 && matched.Count < speakers.Count) named = matched;
        }
        return new EntryPrior(options.ContentPrior, options.SpeakerPrior, options.QuestionPrior, named);
    }

    public double Of(Entry entry)
    {
        bool turn = !string.IsNullOrWhiteSpace(entry.Speaker);
        double prior = turn ? _contentWeight * (Math.Log(1 + Math.Max(0, entry.Tokens)) - Math.Log(1 + ReferenceTokens)) : 0;
        if (_named is not null && turn)
            prior += _named.Contains(entry.Speaker!) ? _speakerWeight : -_speakerWeight;
        if (_questionWeight != 0 && IsQuestion(entry.Text)) prior -= _questionWeight;
        return prior;
    }

    /// <summary>
    /// The text asks rather than tells: it ends in a question mark once trailing white space and one trailing
    /// bracketed annotation ("... any pets? [shares a photo of a cat]") are left out.
    /// </summary>
    internal static bool IsQuestion(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().TrimEnd();
        if (span.Length > 0 && span[^1] == ']')
        {
            int open = span.LastIndexOf('[');
            if (open >= 0) span = span[..open].TrimEnd();
        }
        return span.Length > 0 && span[^1] == '?';
    }

    /// <summary>Fused candidates with the prior added, best first again.</summary>
    public IReadOnlyList<FusedCandidate> Apply(IReadOnlyList<FusedCandidate> fused, IReadOnlyDictionary<long, Entry> entries)
    {
        var result = new List<FusedCandidate>(fused.Count);
        foreach (var f in fused)
            result.Add(entries.TryGetValue(f.Seq, out var e) ? f with { Score = f.Score + Of(e) } : f);
        result.Sort(FusedCandidate.ByScore);
        return result;
    }

    /// <summary>A speaker is named when the first part of the name appears in the query as a word ("Jon" in "Jon's studio", "Ada" for "Ada Lovelace").</summary>
    private static bool Names(string speaker, HashSet<string> words)
    {
        var parts = speaker.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 && words.Contains(parts[0]);
    }

    private static HashSet<string> QueryWords(string query)
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int start = -1;
        for (int i = 0; i <= query.Length; i++)
        {
            bool letter = i < query.Length && char.IsLetterOrDigit(query[i]);
            if (letter && start < 0) start = i;
            else if (!letter && start >= 0)
            {
                words.Add(query[start..i]);
                start = -1;
            }
        }
        return words;
    }
}
