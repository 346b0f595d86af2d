using System.Runtime.CompilerServices;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>
/// LoCoMo's locomo10.json: a JSON list of samples, streamed one sample at a time. Stream = sample_id
/// (the default stream when a sample has none); each turn of session_N (numeric order) becomes an entry with
/// ExternalId = dia_id, Session = "session_N", Speaker = the turn's speaker, Role = User, Time = the session's
/// time plus the turn's index in seconds (so turns are strictly ordered), Text = text with the shared photo's
/// caption appended (<see cref="LocomoConventions.WithCaption"/>), Meta = {"img_url","query","blip_caption"} when present.
/// The "qa" part is not ingested; <see cref="LocomoDataset"/> reads it for evaluation.
/// Problems point at the line where the sample starts and name the field by its path in the sample.
/// </summary>
public sealed class LocomoEntryReader : IEntryReader
{
    public IngestFormat Format => IngestFormat.Locomo;

    public async IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int sampleIndex = 0;
        await foreach (JsonRecord record in JsonRecordStreamer.ReadAsync(input, cancellationToken: cancellationToken))
        {
            int index = sampleIndex++;
            if (record.Document is null)
            {
                yield return Fail(sourceName, record.Line, null, record.Error!);
                if (record.IsFatal) yield break;
                continue;
            }
            foreach (IngestItem item in ToEntries(record.Document.RootElement, index, sourceName, record.Line, options))
                yield return item;
        }
    }

    private static IEnumerable<IngestItem> ToEntries(JsonElement sample, int index, string source, long line, IngestReaderOptions options)
    {
        string at = $"[{index}]";
        if (sample.ValueKind != JsonValueKind.Object)
        {
            yield return Fail(source, line, at, $"expected a sample object, got {JsonFields.Describe(sample.ValueKind)}");
            yield break;
        }
        if (JsonFields.GetString(sample, "sample_id", out string? sampleId) is { } idError)
        {
            yield return Fail(source, line, at + ".sample_id", idError);
            yield break;
        }
        string? stream = string.IsNullOrWhiteSpace(sampleId) ? options.DefaultStream : sampleId;
        if (string.IsNullOrWhiteSpace(stream))
        {
            yield return Fail(source, line, at + ".sample_id", "missing, and no default stream was given");
            yield break;
        }
        if (!sample.TryGetProperty("conversation", out JsonElement conversation) || conversation.ValueKind != JsonValueKind.Object)
        {
            yield return Fail(source, line, at + ".conversation", "missing or not an object");
            yield break;
        }

        foreach ((int _, string key) in LocomoConventions.Sessions(conversation))
        {
            string sessionField = $"{at}.conversation.{key}";
            JsonElement turns = conversation.GetProperty(key);
            if (turns.ValueKind != JsonValueKind.Array)
            {
                yield return Fail(source, line, sessionField, $"expected an array of turns, got {JsonFields.Describe(turns.ValueKind)}");
                continue;
            }
            DateTimeOffset? sessionTime = null;
            string timeKey = key + "_date_time";
            if (JsonFields.GetString(conversation, timeKey, out string? timeText) is { } timeTypeError)
                yield return Fail(source, line, $"{at}.conversation.{timeKey}", timeTypeError);
            else if (LocomoConventions.TryParseSessionTime(timeText, out DateTimeOffset parsed))
                sessionTime = parsed;
            else if (timeText is not null)
                yield return Fail(source, line, $"{at}.conversation.{timeKey}", $"'{JsonFields.Shorten(timeText)}' is not a LoCoMo session time; the session's turns get no time");

            int turnIndex = 0;
            foreach (JsonElement turn in turns.EnumerateArray())
            {
                int position = turnIndex++;
                if (ToEntry(turn, stream, key, sessionTime?.AddSeconds(position), $"{sessionField}[{position}]", source, line, options) is { } item)
                    yield return item;
            }
        }
    }

    private static IngestItem? ToEntry(JsonElement turn, string stream, string session, DateTimeOffset? time, string field, string source, long line, IngestReaderOptions options)
    {
        if (turn.ValueKind != JsonValueKind.Object) return Fail(source, line, field, $"expected a turn object, got {JsonFields.Describe(turn.ValueKind)}");
        if (JsonFields.GetString(turn, "dia_id", out string? id) is { } e1) return Fail(source, line, field + ".dia_id", e1);
        if (JsonFields.GetString(turn, "speaker", out string? speaker) is { } e2) return Fail(source, line, field + ".speaker", e2);
        if (JsonFields.GetString(turn, "text", out string? text) is { } e3) return Fail(source, line, field + ".text", e3);
        if (JsonFields.GetString(turn, "blip_caption", out string? caption) is { } e4) return Fail(source, line, field + ".blip_caption", e4);
        string fullText = LocomoConventions.WithCaption(text ?? "", caption);
        if (EntryTextRules.Check(fullText, options) is { } textError) return Fail(source, line, field + ".text", textError);

        return IngestItem.Ok(new NewEntry
        {
            Stream = stream,
            ExternalId = string.IsNullOrWhiteSpace(id) ? null : id,
            Session = session,
            Time = time,
            Role = EntryRole.User,
            Speaker = speaker,
            Text = fullText,
            Meta = MetaOf(turn),
        });
    }

    /// <summary>The turn's photo details, verbatim, so the caption rendering can be redone and the image found again.</summary>
    private static string? MetaOf(JsonElement turn)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            bool any = false;
            foreach (string name in (ReadOnlySpan<string>)["img_url", "query", "blip_caption"])
            {
                if (!turn.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) continue;
                if (!any) writer.WriteStartObject();
                any = true;
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            if (!any) return null;
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static IngestItem Fail(string source, long line, string? field, string message) =>
        IngestItem.Fail(new IngestProblem(source, line, field, message));
}
