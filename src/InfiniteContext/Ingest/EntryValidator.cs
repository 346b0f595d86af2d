namespace InfiniteContext.Ingest;

/// <summary>
/// The store's own checks on an entry, whatever reader produced it (a library caller can hand
/// <see cref="MemoryStore.IngestAsync"/> entries directly): the last line before anything is written.
/// </summary>
public static class EntryValidator
{
    public const int MaxStreamNameLength = 256;
    public const int MaxTextChars = 1_000_000;

    /// <summary>Null when valid; otherwise (field, message).</summary>
    public static (string Field, string Message)? Check(NewEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrWhiteSpace(entry.Stream)) return ("stream", "is empty");
        if (entry.Stream.Length > MaxStreamNameLength) return ("stream", $"is longer than {MaxStreamNameLength} characters");
        foreach (char c in entry.Stream)
            if (char.IsControl(c)) return ("stream", "contains a control character");
        if (entry.Text is null || string.IsNullOrWhiteSpace(entry.Text)) return ("text", "is empty");
        if (entry.Text.Length > MaxTextChars) return ("text", $"is oversized ({entry.Text.Length:N0} characters; at most {MaxTextChars:N0})");
        if (HasLoneSurrogate(entry.Text)) return ("text", "is not valid Unicode (lone surrogate)");
        if (entry.ExternalId is { Length: > 1024 }) return ("id", "is longer than 1024 characters");
        return null;
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }
}
