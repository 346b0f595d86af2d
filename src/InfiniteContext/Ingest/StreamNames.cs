namespace InfiniteContext.Ingest;

/// <summary>Where a record's stream comes from when the input does not name one.</summary>
internal static class StreamNames
{
    /// <summary>The source's file name without extension ("docs/guide.md" gives "guide").</summary>
    public static string FromSource(string sourceName)
    {
        string name = Path.GetFileNameWithoutExtension(sourceName);
        return string.IsNullOrWhiteSpace(name) ? sourceName : name;
    }
}
