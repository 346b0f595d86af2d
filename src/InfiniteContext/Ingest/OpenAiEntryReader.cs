using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>
/// OpenAI chat transcripts: {"messages": [{"role","content","name"}...]} one per line (JSONL), one per file
/// (possibly pretty-printed), or a top-level array of them. The layout is decided from the first line: a line that is
/// a complete object on its own means JSONL. Stream: the default stream or the file name without extension;
/// Session "{source}#{conversation}"; ExternalId "{conversation}:{message}" (both 0-based positions in the input,
/// so ids stay stable when an earlier bad record is fixed). Assistant messages that only carry tool calls
/// (no text content) are skipped: the call arguments are not conversation, and the tool's reply is kept as a Tool entry.
/// Content parts other than text (images, audio) are dropped; text parts are joined with newlines.
/// </summary>
public sealed class OpenAiEntryReader : IEntryReader
{
    public IngestFormat Format => IngestFormat.OpenAi;

    public async IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        byte[] prefix = await PrefixedStream.ReadPrefixAsync(input, IngestFormatDetector.SniffBytes, cancellationToken);
        bool wholeInput = prefix.Length < IngestFormatDetector.SniffBytes;
        var replay = new PrefixedStream(prefix, input);
        string stream = !string.IsNullOrWhiteSpace(options.DefaultStream) ? options.DefaultStream : StreamNames.FromSource(sourceName);

        if (IsLinePerConversation(prefix, wholeInput))
        {
            using var lines = new Utf8LineReader(replay);
            int conversation = 0;
            while (await lines.ReadLineAsync(cancellationToken))
            {
                if (lines.IsTooLong)
                {
                    yield return Fail(sourceName, lines.LineNumber, null, $"line is longer than {Utf8LineReader.DefaultMaxLineBytes:N0} bytes");
                    conversation++;
                    continue;
                }
                if (InputBytes.IsBlank(lines.Line.Span)) continue;
                foreach (IngestItem item in ParseLine(lines.Line, sourceName, lines.LineNumber, conversation++, stream, options))
                    yield return item;
            }
            yield break;
        }

        int index = 0;
        await foreach (JsonRecord record in JsonRecordStreamer.ReadAsync(replay, cancellationToken: cancellationToken))
        {
            if (record.Document is null)
            {
                yield return Fail(sourceName, record.Line, null, record.Error!);
                if (record.IsFatal) yield break;
                index++;
                continue;
            }
            foreach (IngestItem item in ToEntries(record.Document.RootElement, sourceName, record.Line, index++, stream, options))
                yield return item;
        }
    }

    private static IEnumerable<IngestItem> ParseLine(ReadOnlyMemory<byte> bytes, string source, long line, int conversation, string stream, IngestReaderOptions options)
    {
        if (!StrictUtf8.IsValid(bytes.Span)) return [Fail(source, line, null, "invalid UTF-8")];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            return [Fail(source, line, null, $"malformed JSON: {ex.Message}")];
        }
        using (document)
        {
            return ToEntries(document.RootElement, source, line, conversation, stream, options).ToList();
        }
    }

    /// <summary>True when the first non-blank line is a complete JSON object on its own (or is too long to be the start of a pretty-printed one).</summary>
    private static bool IsLinePerConversation(ReadOnlySpan<byte> prefix, bool wholeInput)
    {
        prefix = InputBytes.WithoutBom(prefix);
        int first = InputBytes.FirstNonWhitespace(prefix);
        if (first < 0 || prefix[first] != (byte)'{') return false;
        ReadOnlySpan<byte> rest = prefix[first..];
        int newline = rest.IndexOf((byte)'\n');
        if (newline < 0) return !wholeInput;
        var reader = new Utf8JsonReader(rest[..newline], isFinalBlock: true, state: default);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<IngestItem> ToEntries(JsonElement conversation, string source, long line, int index, string stream, IngestReaderOptions options)
    {
        if (conversation.ValueKind != JsonValueKind.Object)
        {
            yield return Fail(source, line, null, $"expected a conversation object, got {JsonFields.Describe(conversation.ValueKind)}");
            yield break;
        }
        if (!conversation.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            yield return Fail(source, line, "messages", "missing or not an array");
            yield break;
        }
        string session = $"{source}#{index}";
        int position = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            int messageIndex = position++;
            string field = $"messages[{messageIndex}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                yield return Fail(source, line, field, $"expected an object, got {JsonFields.Describe(message.ValueKind)}");
                continue;
            }
            if (JsonFields.GetString(message, "role", out string? roleText) is { } roleError)
            {
                yield return Fail(source, line, field + ".role", roleError);
                continue;
            }
            if (string.IsNullOrWhiteSpace(roleText) || !EntryRoles.TryParse(roleText, out EntryRole role))
            {
                yield return Fail(source, line, field + ".role", roleText is null ? "missing" : $"unknown role '{JsonFields.Shorten(roleText)}'");
                continue;
            }
            if (JsonFields.GetString(message, "name", out string? name) is { } nameError)
            {
                yield return Fail(source, line, field + ".name", nameError);
                continue;
            }
            if (ContentText(message, out string? text) is { } contentError)
            {
                yield return Fail(source, line, field + ".content", contentError);
                continue;
            }
            if (string.IsNullOrWhiteSpace(text) && (message.TryGetProperty("tool_calls", out _) || message.TryGetProperty("function_call", out _)))
                continue;
            if (EntryTextRules.Check(text, options) is { } textError)
            {
                yield return Fail(source, line, field + ".content", textError);
                continue;
            }
            yield return IngestItem.Ok(new NewEntry
            {
                Stream = stream,
                ExternalId = $"{index}:{messageIndex}",
                Session = session,
                Role = role,
                Speaker = string.IsNullOrWhiteSpace(name) ? roleText.Trim() : name,
                Text = text!,
            });
        }
    }

    /// <summary>The message's text: a string content, or the text parts of a content array joined with newlines.</summary>
    private static string? ContentText(JsonElement message, out string? text)
    {
        text = null;
        if (!message.TryGetProperty("content", out JsonElement content) || content.ValueKind == JsonValueKind.Null) return null;
        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString();
            return null;
        }
        if (content.ValueKind != JsonValueKind.Array) return $"expected a string or an array of parts, got {JsonFields.Describe(content.ValueKind)}";
        var joined = new StringBuilder();
        foreach (JsonElement part in content.EnumerateArray())
        {
            string? partText = part.ValueKind switch
            {
                JsonValueKind.String => part.GetString(),
                JsonValueKind.Object when part.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String => t.GetString(),
                _ => null,
            };
            if (partText is null) continue;
            if (joined.Length > 0) joined.Append('\n');
            joined.Append(partText);
        }
        text = joined.ToString();
        return null;
    }

    private static IngestItem Fail(string source, long line, string? field, string message) =>
        IngestItem.Fail(new IngestProblem(source, line, field, message));
}
