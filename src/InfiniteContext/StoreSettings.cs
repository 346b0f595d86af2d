using System.Text.Json;

namespace InfiniteContext;

/// <summary>Per-store settings fixed at creation (<c>store.json</c>): entry token counts are only meaningful under one tokenizer.</summary>
internal sealed record StoreSettings(int Format, string Tokenizer)
{
    public const string FileName = "store.json";
    public const int CurrentFormat = 1;

    public static StoreSettings? TryRead(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<StoreSettings>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid store settings: {ex.Message}", ex);
        }
    }

    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(f, this, JsonOptions);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
}
