using System.Text.Json;

namespace InfiniteContext.Indexing;

/// <summary>
/// Which segment files are live and the seq they cover together. Replaced atomically (write temp, fsync,
/// rename), so a crash leaves either the old or the new manifest; files it does not name are leftovers.
/// </summary>
internal sealed record IndexManifest(int Format, long CoveredSeq, long NextSegmentId, IReadOnlyList<string> Segments)
{
    public const string FileName = "manifest.json";
    public const int CurrentFormat = 1;

    public static IndexManifest Empty { get; } = new(CurrentFormat, 0, 1, []);

    public static IndexManifest? TryRead(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        IndexManifest? m;
        try
        {
            m = JsonSerializer.Deserialize<IndexManifest>(File.ReadAllText(path), Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Index manifest '{path}' is unreadable: {ex.Message}", ex);
        }
        if (m is null || m.Format != CurrentFormat) throw new InvalidDataException($"Index manifest '{path}' has an unknown format.");
        return m;
    }

    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(f, this, Options);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
