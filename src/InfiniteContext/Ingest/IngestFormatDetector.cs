using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>
/// Decides an input's layout for <see cref="IngestFormat.Auto"/>: from the file extension where it is decisive,
/// otherwise from the property names of the first JSON record in the input's first bytes.
/// </summary>
public static class IngestFormatDetector
{
    /// <summary>How many leading bytes content sniffing looks at.</summary>
    public const int SniffBytes = 64 * 1024;

    /// <summary>The format an extension settles on its own; null for .json (needs sniffing) and unknown extensions.</summary>
    public static IngestFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => IngestFormat.Jsonl,
        ".md" or ".markdown" or ".txt" or ".rst" => IngestFormat.Text,
        _ => null,
    };

    /// <summary>Whether folder enumeration under <see cref="IngestFormat.Auto"/> takes a file with this extension.</summary>
    public static bool IsKnownExtension(string path) =>
        FromExtension(path) is not null || Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the first record's property names: "messages" means an OpenAI transcript; "conversation" with
    /// "sample_id" or "qa" inside a top-level array means LoCoMo; an object with "text" means JSONL.
    /// Null when the bytes are not JSON or say nothing decisive.
    /// </summary>
    public static IngestFormat? FromContent(ReadOnlySpan<byte> prefix, bool isWholeInput)
    {
        prefix = InputBytes.WithoutBom(prefix);
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool topIsArray = false;
        var reader = new Utf8JsonReader(prefix, isWholeInput, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            if (!reader.Read()) return null;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                topIsArray = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            }
            else if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            int recordDepth = reader.CurrentDepth;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == recordDepth) break;
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == recordDepth + 1)
                {
                    names.Add(reader.GetString()!);
                    if (Decide(names, topIsArray, complete: false) is { } early) return early;
                }
            }
        }
        catch (JsonException)
        {
            // A second JSON value on the next line (JSONL) or a cut-off prefix: decide from what was seen.
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        return Decide(names, topIsArray, complete: true);
    }

    private static IngestFormat? Decide(HashSet<string> names, bool topIsArray, bool complete)
    {
        if (names.Contains("messages")) return IngestFormat.OpenAi;
        if (topIsArray && names.Contains("conversation") && (names.Contains("sample_id") || names.Contains("qa"))) return IngestFormat.Locomo;
        if (complete && !topIsArray && names.Contains("text")) return IngestFormat.Jsonl;
        return null;
    }
}
