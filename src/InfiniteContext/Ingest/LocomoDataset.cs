using System.Runtime.CompilerServices;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>
/// Reads LoCoMo samples with their questions for evaluation, one sample in memory at a time.
/// Tolerant by design: a numeric answer becomes its text, evidence entries like "D8:6; D9:17" are split,
/// unreadable evidence ids go to <see cref="LocomoQuestion.MalformedEvidence"/>, and a question without text is dropped.
/// A malformed document raises <see cref="IngestException"/> with the line.
/// </summary>
public static class LocomoDataset
{
    private static readonly char[] EvidenceSeparators = [';', ',', ' ', '\t'];

    public static async Task<IReadOnlyList<LocomoSample>> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using FileStream file = File.OpenRead(path);
        var samples = new List<LocomoSample>();
        await foreach (LocomoSample sample in ReadAsync(file, path, cancellationToken)) samples.Add(sample);
        return samples;
    }

    public static async IAsyncEnumerable<LocomoSample> ReadAsync(Stream input, string sourceName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int index = 0;
        await foreach (JsonRecord record in JsonRecordStreamer.ReadAsync(input, cancellationToken: cancellationToken))
        {
            if (record.Document is null) throw new IngestException($"{sourceName}:{record.Line}: {record.Error}");
            JsonElement sample = record.Document.RootElement;
            if (sample.ValueKind != JsonValueKind.Object) throw new IngestException($"{sourceName}:{record.Line}: expected a LoCoMo sample object");
            yield return ToSample(sample, index++);
        }
    }

    private static LocomoSample ToSample(JsonElement sample, int index)
    {
        string sampleId = Text(sample, "sample_id") ?? $"sample-{index}";
        string? speakerA = null, speakerB = null;
        var turnIds = new HashSet<string>(StringComparer.Ordinal);
        if (sample.TryGetProperty("conversation", out JsonElement conversation) && conversation.ValueKind == JsonValueKind.Object)
        {
            speakerA = Text(conversation, "speaker_a");
            speakerB = Text(conversation, "speaker_b");
            foreach ((int _, string key) in LocomoConventions.Sessions(conversation))
            {
                JsonElement turns = conversation.GetProperty(key);
                if (turns.ValueKind != JsonValueKind.Array) continue;
                foreach (JsonElement turn in turns.EnumerateArray())
                {
                    if (turn.ValueKind == JsonValueKind.Object && Text(turn, "dia_id") is { } id) turnIds.Add(id);
                }
            }
        }

        var questions = new List<LocomoQuestion>();
        if (sample.TryGetProperty("qa", out JsonElement qa) && qa.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in qa.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || Text(item, "question") is not { } question) continue;
                (List<string> evidence, List<string> malformed) = ReadEvidence(item);
                int category = item.TryGetProperty("category", out JsonElement c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out int n) ? n : 0;
                questions.Add(new LocomoQuestion(
                    question,
                    Text(item, "answer"),
                    evidence,
                    malformed,
                    Enum.IsDefined((LocomoCategory)category) ? (LocomoCategory)category : LocomoCategory.Unknown,
                    Text(item, "adversarial_answer")));
            }
        }
        return new LocomoSample(sampleId, speakerA, speakerB, turnIds, questions);
    }

    private static (List<string> Evidence, List<string> Malformed) ReadEvidence(JsonElement question)
    {
        var evidence = new List<string>();
        var malformed = new List<string>();
        if (!question.TryGetProperty("evidence", out JsonElement list)) return (evidence, malformed);
        IEnumerable<JsonElement> items = list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [list];
        foreach (JsonElement item in items)
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                if (item.ValueKind != JsonValueKind.Null) malformed.Add(item.GetRawText());
                continue;
            }
            foreach (string part in item.GetString()!.Split(EvidenceSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (LocomoConventions.IsTurnId(part)) evidence.Add(part);
                else malformed.Add(part);
            }
        }
        return (evidence, malformed);
    }

    /// <summary>A string property, or a number's text (some answers are years); null otherwise.</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
