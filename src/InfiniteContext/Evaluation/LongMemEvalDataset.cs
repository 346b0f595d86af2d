using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using InfiniteContext.Ingest;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Reads files in LongMemEval's layout: a JSON array of instances, each a question with its own haystack of
/// dated chat sessions, the ids of the sessions that hold the answer, and "has_answer" marks on evidence turns.
/// Streams one instance at a time (the haystacks are large). Strict: a missing or mistyped field raises
/// <see cref="IngestException"/> naming the file, line, instance and field, because a silently skipped
/// question would change the scores.
/// </summary>
public static class LongMemEvalDataset
{
    /// <summary>"2023/05/20 (Sat) 02:21": the weekday in parentheses is dropped before parsing.</summary>
    private static readonly string[] DateFormats = ["yyyy/MM/dd HH:mm", "yyyy/MM/dd H:mm", "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd"];

    public static async Task<IReadOnlyList<LongMemEvalInstance>> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using FileStream file = File.OpenRead(path);
        var instances = new List<LongMemEvalInstance>();
        await foreach (var instance in ReadAsync(file, path, cancellationToken)) instances.Add(instance);
        return instances;
    }

    public static async IAsyncEnumerable<LongMemEvalInstance> ReadAsync(Stream input, string sourceName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        int index = 0;
        await foreach (JsonRecord record in JsonRecordStreamer.ReadAsync(input, cancellationToken: cancellationToken))
        {
            if (record.Document is null) throw new IngestException($"{sourceName}:{record.Line}: {record.Error}");
            using (record.Document)
            {
                JsonElement root = record.Document.RootElement;
                string where = $"{sourceName}:{record.Line}: instance {index}";
                if (root.ValueKind != JsonValueKind.Object) throw new IngestException($"{where}: expected a LongMemEval instance object, found {root.ValueKind}");
                yield return ToInstance(root, where);
            }
            index++;
        }
    }

    /// <summary>The entries of an instance's haystack: stream = question id, session = session id, time = session date, one entry per turn.</summary>
    public static IEnumerable<NewEntry> Entries(LongMemEvalInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        for (int s = 0; s < instance.Sessions.Count; s++)
        {
            var session = instance.Sessions[s];
            for (int t = 0; t < session.Turns.Count; t++)
            {
                var turn = session.Turns[t];
                if (string.IsNullOrWhiteSpace(turn.Content)) continue;
                yield return new NewEntry
                {
                    Stream = instance.QuestionId,
                    ExternalId = TurnId(s, t),
                    Session = session.Id,
                    Time = session.Date,
                    Role = turn.Role,
                    Speaker = turn.Role == EntryRole.Assistant ? "assistant" : "user",
                    Text = turn.Content,
                };
            }
        }
    }

    /// <summary>"3:7": turn 7 of the instance's 4th session (by position, so a repeated session id cannot collide).</summary>
    public static string TurnId(int session, int turn) => string.Create(CultureInfo.InvariantCulture, $"{session}:{turn}");

    private static LongMemEvalInstance ToInstance(JsonElement root, string where)
    {
        string questionId = RequiredString(root, "question_id", where);
        where = $"{where} ({questionId})";
        string questionType = RequiredString(root, "question_type", where);
        string question = RequiredString(root, "question", where);
        string? answer = root.TryGetProperty("answer", out var a) ? a.ValueKind switch
        {
            JsonValueKind.String => a.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => a.GetRawText(),
            _ => null,
        } : null;
        DateTimeOffset? questionDate = root.TryGetProperty("question_date", out var qd) && qd.ValueKind == JsonValueKind.String
            ? ParseDate(qd.GetString()!, $"{where}: question_date") : null;

        var sessionIds = StringArray(root, "haystack_session_ids", where);
        var dates = StringArray(root, "haystack_dates", where);
        var sessionsJson = RequiredArray(root, "haystack_sessions", where);
        if (dates.Count != sessionIds.Count || sessionsJson.GetArrayLength() != sessionIds.Count)
            throw new IngestException($"{where}: haystack_session_ids, haystack_dates and haystack_sessions must have one item per session (found {sessionIds.Count}, {dates.Count} and {sessionsJson.GetArrayLength()})");
        var answerSessions = StringArray(root, "answer_session_ids", where);

        var sessions = new List<LongMemEvalSession>(sessionIds.Count);
        int s = 0;
        foreach (JsonElement session in sessionsJson.EnumerateArray())
        {
            string at = $"{where}: haystack_sessions[{s}]";
            if (session.ValueKind != JsonValueKind.Array) throw new IngestException($"{at}: expected an array of turns, found {session.ValueKind}");
            var turns = new List<LongMemEvalTurn>(session.GetArrayLength());
            int t = 0;
            foreach (JsonElement turn in session.EnumerateArray())
            {
                string turnAt = $"{at}[{t}]";
                if (turn.ValueKind != JsonValueKind.Object) throw new IngestException($"{turnAt}: expected a turn object, found {turn.ValueKind}");
                string role = RequiredString(turn, "role", turnAt);
                EntryRole entryRole = role switch
                {
                    "user" => EntryRole.User,
                    "assistant" => EntryRole.Assistant,
                    _ => throw new IngestException($"{turnAt}: role: '{role}' is not 'user' or 'assistant'"),
                };
                string content = RequiredString(turn, "content", turnAt);
                bool hasAnswer = turn.TryGetProperty("has_answer", out var h) && h.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False or JsonValueKind.Null => false,
                    _ => throw new IngestException($"{turnAt}: has_answer: expected true or false, found {h.ValueKind}"),
                };
                turns.Add(new LongMemEvalTurn(entryRole, content, hasAnswer));
                t++;
            }
            sessions.Add(new LongMemEvalSession(sessionIds[s], ParseDate(dates[s], $"{where}: haystack_dates[{s}]"), turns));
            s++;
        }
        return new LongMemEvalInstance(questionId, questionType, question, answer, questionDate, sessions, answerSessions);
    }

    private static DateTimeOffset ParseDate(string text, string where)
    {
        string plain = text;
        int open = plain.IndexOf('(', StringComparison.Ordinal);
        int close = plain.IndexOf(')', StringComparison.Ordinal);
        if (open >= 0 && close > open) plain = plain.Remove(open, close - open + 1);
        plain = string.Join(' ', plain.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (DateTime.TryParseExact(plain, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Unspecified), TimeSpan.Zero);
        throw new IngestException($"{where}: '{text}' is not a date like 2023/05/20 (Sat) 02:21");
    }

    private static string RequiredString(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value)) throw new IngestException($"{where}: missing field '{name}'");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new IngestException($"{where}: {name}: expected a string, found {value.ValueKind}"),
        };
    }

    private static JsonElement RequiredArray(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value)) throw new IngestException($"{where}: missing field '{name}'");
        if (value.ValueKind != JsonValueKind.Array) throw new IngestException($"{where}: {name}: expected an array, found {value.ValueKind}");
        return value;
    }

    private static List<string> StringArray(JsonElement element, string name, string where)
    {
        var list = new List<string>();
        int i = 0;
        foreach (JsonElement item in RequiredArray(element, name, where).EnumerateArray())
        {
            list.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Number => item.GetRawText(),
                _ => throw new IngestException($"{where}: {name}[{i}]: expected a string, found {item.ValueKind}"),
            });
            i++;
        }
        return list;
    }
}

/// <summary>One LongMemEval question with its own haystack. Question ids containing "_abs" are abstention questions (the answer is not in the haystack).</summary>
public sealed record LongMemEvalInstance(
    string QuestionId,
    string QuestionType,
    string Question,
    string? Answer,
    DateTimeOffset? QuestionDate,
    IReadOnlyList<LongMemEvalSession> Sessions,
    IReadOnlyList<string> AnswerSessionIds)
{
    public bool IsAbstention => QuestionId.Contains("_abs", StringComparison.Ordinal);
}

public sealed record LongMemEvalSession(string Id, DateTimeOffset Date, IReadOnlyList<LongMemEvalTurn> Turns);

public sealed record LongMemEvalTurn(EntryRole Role, string Content, bool HasAnswer);
