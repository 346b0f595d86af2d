using System.Runtime.CompilerServices;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>
/// One JSON message per line: {"stream","id","session","time","role","speaker","text","meta"}; only text is required
/// (stream may come from <see cref="IngestReaderOptions.DefaultStream"/>). Read line by line, so a bad line costs
/// one problem and reading resumes at the next line.
/// </summary>
public sealed class JsonlEntryReader : IEntryReader
{
    private readonly int _maxLineBytes;

    public JsonlEntryReader() : this(Utf8LineReader.DefaultMaxLineBytes)
    {
    }

    /// <param name="maxLineBytes">Longer lines are reported and skipped (bounds memory per line).</param>
    public JsonlEntryReader(int maxLineBytes) => _maxLineBytes = maxLineBytes;

    public IngestFormat Format => IngestFormat.Jsonl;

    public async IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var lines = new Utf8LineReader(input, _maxLineBytes);
        while (await lines.ReadLineAsync(cancellationToken))
        {
            long line = lines.LineNumber;
            if (lines.IsTooLong)
            {
                yield return Fail(sourceName, line, null, $"line is longer than {_maxLineBytes:N0} bytes");
                continue;
            }
            if (InputBytes.IsBlank(lines.Line.Span)) continue;
            yield return ParseLine(lines.Line, sourceName, line, options);
        }
    }

    internal static IngestItem ParseLine(ReadOnlyMemory<byte> bytes, string sourceName, long line, IngestReaderOptions options)
    {
        if (!StrictUtf8.IsValid(bytes.Span))
        {
            return Fail(sourceName, line, null, $"invalid UTF-8 at byte {StrictUtf8.IndexOfInvalid(bytes.Span) + 1} of the line");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            return Fail(sourceName, line, null, $"malformed JSON: {ex.Message}");
        }
        using (document)
        {
            return ToEntry(document.RootElement, sourceName, line, options);
        }
    }

    private static IngestItem ToEntry(JsonElement record, string source, long line, IngestReaderOptions options)
    {
        if (record.ValueKind != JsonValueKind.Object) return Fail(source, line, null, $"expected a JSON object, got {JsonFields.Describe(record.ValueKind)}");

        if (!record.TryGetProperty("text", out JsonElement textElement) || textElement.ValueKind == JsonValueKind.Null)
            return Fail(source, line, "text", "missing");
        if (textElement.ValueKind != JsonValueKind.String)
            return Fail(source, line, "text", $"expected a string, got {JsonFields.Describe(textElement.ValueKind)}");
        string text = textElement.GetString()!;
        if (EntryTextRules.Check(text, options) is { } textError) return Fail(source, line, "text", textError);

        if (JsonFields.GetString(record, "stream", out string? stream) is { } e1) return Fail(source, line, "stream", e1);
        stream = string.IsNullOrWhiteSpace(stream) ? options.DefaultStream : stream;
        if (string.IsNullOrWhiteSpace(stream)) return Fail(source, line, "stream", "missing, and no default stream was given");

        if (JsonFields.GetStringOrNumber(record, "id", out string? id) is { } e2) return Fail(source, line, "id", e2);
        if (JsonFields.GetStringOrNumber(record, "session", out string? session) is { } e3) return Fail(source, line, "session", e3);
        if (JsonFields.GetIsoTime(record, "time", out DateTimeOffset? time) is { } e4) return Fail(source, line, "time", e4);
        if (JsonFields.GetString(record, "role", out string? roleText) is { } e5) return Fail(source, line, "role", e5);
        if (!EntryRoles.TryParse(roleText, out EntryRole role)) return Fail(source, line, "role", $"unknown role '{JsonFields.Shorten(roleText!)}'");
        if (JsonFields.GetString(record, "speaker", out string? speaker) is { } e6) return Fail(source, line, "speaker", e6);
        if (JsonFields.GetObjectText(record, "meta", out string? meta) is { } e7) return Fail(source, line, "meta", e7);

        return IngestItem.Ok(new NewEntry
        {
            Stream = stream,
            ExternalId = id,
            Session = session,
            Time = time,
            Role = role,
            Speaker = speaker,
            Text = text,
            Meta = meta,
        });
    }

    private static IngestItem Fail(string source, long line, string? field, string message) =>
        IngestItem.Fail(new IngestProblem(source, line, field, message));
}
