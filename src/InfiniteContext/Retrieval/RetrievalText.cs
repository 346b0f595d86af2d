namespace InfiniteContext.Retrieval;

/// <summary>
/// The text a retrieval channel sees for an entry. Who said something is part of what was said: memory
/// questions name people ("What did Caroline research?") while the turn itself rarely does, so the speaker
/// is prefixed the way a transcript shows it. The entry's stored text is never changed.
/// </summary>
public static class RetrievalText
{
    /// <summary>Bump when the view changes: vectors built from an older view are recomputed.</summary>
    public const int Version = 2;

    /// <summary>At most this many sentence views per entry (<see cref="Parts(Entry)"/>); an entry with more sentences gets none.</summary>
    public const int MaxParts = 8;

    /// <summary>Entries longer than this (in tokens) get no sentence views: the views are for chat-sized turns, not document chunks.</summary>
    public const int MaxPartTokens = 100;

    public static string For(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return For(entry.Speaker, entry.Text);
    }

    public static string For(string? speaker, string text) =>
        string.IsNullOrWhiteSpace(speaker) ? text : string.Concat(speaker, ": ", text);

    /// <summary>
    /// The sentence views of a short multi-sentence entry, each speaker-prefixed like <see cref="For(Entry)"/>: the
    /// dense channel also embeds each sentence, because one sentence of a chatty turn ("Wow, thanks! ... I went
    /// camping with the kids last weekend.") can hold the fact while the turn's single vector is dominated by the
    /// rest. A trailing bracketed annotation (a photo caption) is left out of the sentences. None (an empty list)
    /// for a single sentence without annotation (the turn's own vector is that sentence), for entries over
    /// <see cref="MaxPartTokens"/> tokens, and for more than <see cref="MaxParts"/> sentences.
    /// </summary>
    public static IReadOnlyList<string> Parts(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Tokens > MaxPartTokens) return [];
        var body = entry.Text.AsSpan().Trim();
        bool annotated = false;
        if (body.Length > 0 && body[^1] == ']')
        {
            int open = body.LastIndexOf('[');
            if (open >= 0 && body[(open + 1)..^1].IndexOfAny('[', ']') < 0)
            {
                body = body[..open].TrimEnd();
                annotated = true;
            }
        }
        var sentences = Sentences(body);
        if (sentences.Count == 0 || sentences.Count > MaxParts || (sentences.Count == 1 && !annotated)) return [];
        var parts = new string[sentences.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = For(entry.Speaker, sentences[i]);
        return parts;
    }

    /// <summary>Splits after '.', '!' or '?' followed by white space and an upper-case letter, a digit, a quote, '(' or '['.</summary>
    internal static List<string> Sentences(ReadOnlySpan<char> text)
    {
        var result = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            int j = i + 1;
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            if (j == i + 1 || j >= text.Length) continue;
            char next = text[j];
            if (!(char.IsUpper(next) || char.IsDigit(next) || next is '"' or '\'' or '(' or '[')) continue;
            Add(text[start..(i + 1)]);
            start = j;
            i = j - 1;
        }
        Add(text[start..]);
        return result;

        void Add(ReadOnlySpan<char> s)
        {
            if (!s.IsWhiteSpace()) result.Add(s.ToString());
        }
    }
}
