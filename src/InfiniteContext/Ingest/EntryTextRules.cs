namespace InfiniteContext.Ingest;

/// <summary>The checks every format applies to an entry's text before it is accepted.</summary>
internal static class EntryTextRules
{
    /// <summary>Null when the text is acceptable; otherwise the reason, for an <see cref="IngestProblem"/> on field 'text'.</summary>
    public static string? Check(string? text, IngestReaderOptions options)
    {
        if (string.IsNullOrWhiteSpace(text)) return "text is empty or whitespace only";
        if (text.Length > options.MaxEntryChars) return $"text is oversized: {text.Length:N0} chars, the limit is {options.MaxEntryChars:N0}";
        return null;
    }
}
