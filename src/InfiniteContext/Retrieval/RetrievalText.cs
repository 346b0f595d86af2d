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

    public static string For(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return For(entry.Speaker, entry.Text);
    }

    public static string For(string? speaker, string text) =>
        string.IsNullOrWhiteSpace(speaker) ? text : string.Concat(speaker, ": ", text);
}
