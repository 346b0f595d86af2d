using System.Text;
using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Evaluation;

public class LongMemEvalDatasetTests
{
    internal static string Sample => Path.Combine(AppContext.BaseDirectory, "fixtures", "longmemeval-sample.json");

    [Fact]
    public async Task Reads_instances_sessions_dates_and_answer_labels()
    {
        var all = await LongMemEvalDataset.LoadAsync(Sample);
        all.Select(i => i.QuestionId).ShouldBe(["q-sister-001", "q-pets-002", "q-pets-002_abs", "q-commute-004", "q-orphan-005"]);
        all.Select(i => i.IsAbstention).ShouldBe([false, false, true, false, false]);

        var sister = all[0];
        sister.QuestionType.ShouldBe("single-session-user");
        sister.Answer.ShouldBe("Lisbon");
        sister.QuestionDate.ShouldBe(new DateTimeOffset(2023, 6, 2, 10, 15, 0, TimeSpan.Zero));
        sister.Sessions.Select(s => s.Id).ShouldBe(["f-garden", "s-sister", "f-bread", "f-laptop"]);
        sister.Sessions[3].Date.ShouldBe(new DateTimeOffset(2023, 5, 20, 2, 21, 0, TimeSpan.Zero));
        sister.Sessions[1].Turns.Select(t => t.HasAnswer).ShouldBe([true, false, false]);
        sister.AnswerSessionIds.ShouldBe(["s-sister"]);
        all[1].Answer.ShouldBe("3"); // a numeric answer keeps its text
        LongMemEvalEvaluator.EvidenceTurns(all[1]).Order(StringComparer.Ordinal).ShouldBe(["0:0", "2:1"]);
    }

    [Fact]
    public async Task Entries_put_each_instance_in_its_own_stream_with_session_ids_dates_and_roles()
    {
        var sister = (await LongMemEvalDataset.LoadAsync(Sample))[0];
        var entries = LongMemEvalDataset.Entries(sister).ToList();
        entries.Count.ShouldBe(9);
        entries.ShouldAllBe(e => e.Stream == "q-sister-001");
        var answer = entries.Single(e => e.ExternalId == "1:0");
        answer.Session.ShouldBe("s-sister");
        answer.Time.ShouldBe(new DateTimeOffset(2023, 5, 3, 18, 30, 0, TimeSpan.Zero));
        answer.Role.ShouldBe(EntryRole.User);
        answer.Text.ShouldContain("Lisbon");
        entries.Single(e => e.ExternalId == "1:1").Role.ShouldBe(EntryRole.Assistant);
    }

    [Theory]
    [InlineData("""[{"question_type":"x","question":"q","haystack_session_ids":[],"haystack_dates":[],"haystack_sessions":[],"answer_session_ids":[]}]""", "instance 0", "missing field 'question_id'")]
    [InlineData("""[{"question_id":"a1","question_type":"x","question":"q","haystack_session_ids":["s"],"haystack_dates":["2023/05/20 (Sat) 02:21"],"haystack_sessions":[[{"role":"user","content":"hi"}]]}]""", "(a1)", "missing field 'answer_session_ids'")]
    [InlineData("""[{"question_id":"a2","question_type":"x","question":"q","haystack_session_ids":["s","t"],"haystack_dates":["2023/05/20 (Sat) 02:21"],"haystack_sessions":[[]],"answer_session_ids":[]}]""", "(a2)", "one item per session")]
    [InlineData("""[{"question_id":"a3","question_type":"x","question":"q","haystack_session_ids":["s"],"haystack_dates":["May 20th"],"haystack_sessions":[[]],"answer_session_ids":[]}]""", "haystack_dates[0]", "'May 20th' is not a date")]
    [InlineData("""[{"question_id":"a4","question_type":"x","question":"q","haystack_session_ids":["s"],"haystack_dates":["2023/05/20 (Sat) 02:21"],"haystack_sessions":[[{"role":"robot","content":"hi"}]],"answer_session_ids":[]}]""", "haystack_sessions[0][0]", "'robot'")]
    [InlineData("""[{"question_id":"a5","question_type":"x","question":"q","haystack_session_ids":["s"],"haystack_dates":["2023/05/20 (Sat) 02:21"],"haystack_sessions":[[{"role":"user"}]],"answer_session_ids":[]}]""", "haystack_sessions[0][0]", "missing field 'content'")]
    [InlineData("""[{"question_id":"a6","question_type":"x","question":"q","haystack_session_ids":"s","haystack_dates":[],"haystack_sessions":[],"answer_session_ids":[]}]""", "(a6)", "haystack_session_ids: expected an array")]
    [InlineData("[1]", "instance 0", "expected a LongMemEval instance object")]
    public async Task A_missing_or_mistyped_field_names_the_instance_and_the_field(string json, string where, string what)
    {
        var ex = await Should.ThrowAsync<IngestException>(() => ReadAllAsync(json));
        ex.Message.ShouldContain("lme.json:");
        ex.Message.ShouldContain(where);
        ex.Message.ShouldContain(what);
    }

    [Fact]
    public async Task Malformed_json_names_the_line()
    {
        var ex = await Should.ThrowAsync<IngestException>(() => ReadAllAsync("[\n{\"question_id\": \"a\",\n  oops\n}]"));
        ex.Message.ShouldStartWith("lme.json:3");
    }

    private static async Task ReadAllAsync(string json)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await foreach (var _ in LongMemEvalDataset.ReadAsync(input, "lme.json")) { }
    }
}
