using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// What the files derived from a vector file (<see cref="IvfIndexFile"/>, <see cref="ProjectionFile"/>) share: they are
/// rewritten whole by writing aside and renaming, appended to without an fsync, and cut back to their last good record on
/// open, because everything in them can be computed again from the vectors.
/// </summary>
internal static class DerivedFile
{
    /// <summary>Where a whole new version of the file is written (beside it) before <see cref="ReplaceWith"/>.</summary>
    public static FileStream CreateAside(string path) => new(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);

    /// <summary>Fsyncs and closes the version written aside and renames it over <paramref name="path"/>.</summary>
    public static void ReplaceWith(FileStream aside, string path)
    {
        aside.Flush(flushToDisk: true);
        aside.Dispose();
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Opens the file for appending records after its first <paramref name="validLength"/> bytes (a torn tail is cut off first).</summary>
    public static FileStream OpenForAppend(string path, long? validLength = null)
    {
        var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (validLength is { } length && f.Length != length) f.SetLength(length);
        f.Position = f.Length;
        return f;
    }

    /// <summary>The file's bytes, or null when it is missing or cannot be read (then it is computed again).</summary>
    public static byte[]? TryReadAll(string path)
    {
        if (!File.Exists(path)) return null;
        try { return File.ReadAllBytes(path); }
        catch (IOException) { return null; }
    }

    /// <summary>The checksum of a header's first 24 bytes and the body after it (centroids, directions).</summary>
    public static ulong HeaderHash(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body) =>
        ContentHash.Compute(header[..24]) ^ ContentHash.Compute(body) * 0x9E3779B97F4A7C15UL;
}
