using System.Text.Json;
using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Ingest;

public sealed class LocomoEntryReaderTests : IDisposable
{
    private static string DevFile => Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json");
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reads_every_turn_of_the_sample_file_in_numeric_session_order()
    {
        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), DevFile);

        result.Problems.ShouldBeEmpty();
        result.Entries.Count.ShouldBe(36);
        result.Entries.Select(e => e.Stream).Distinct().ShouldBe(["conv-a", "conv-b"]);

        foreach (IGrouping<string, NewEntry> conversation in result.Entries.GroupBy(e => e.Stream))
        {
            var sessionNumbers = conversation.Select(e => int.Parse(e.Session!["session_".Length..])).Distinct().ToList();
            sessionNumbers.ShouldBe(sessionNumbers.Order().ToList());
            if (conversation.Key == "conv-a") sessionNumbers.Count.ShouldBe(11); // so session_10 really had to come after session_9
            var times = conversation.Select(e => e.Time!.Value).ToList();
            times.Zip(times.Skip(1)).ShouldAllBe(pair => pair.First < pair.Second);
            foreach (NewEntry entry in conversation)
                entry.Session.ShouldBe($"session_{entry.ExternalId!.Split(':')[0].TrimStart('D')}");
        }

        NewEntry first = result.Entries[0];
        first.ShouldBe(new NewEntry
        {
            Stream = "conv-a",
            ExternalId = "D1:1",
            Session = "session_1",
            Time = new DateTimeOffset(2023, 5, 8, 14, 7, 0, TimeSpan.Zero),
            Role = EntryRole.User,
            Speaker = "Ana",
            Text = "Hey Ben! How was your week?",
        });
        result.Entries[1].Time.ShouldBe(first.Time!.Value.AddSeconds(1));

        NewEntry photo = result.Entries.Single(e => e.Stream == "conv-a" && e.ExternalId == "D3:3");
        photo.Text.ShouldBe("Yes, we climbed all 212 steps to the top. [shares a photo of a white lighthouse on a cliff]");
        using JsonDocument meta = JsonDocument.Parse(photo.Meta!);
        meta.RootElement.GetProperty("img_url")[0].GetString().ShouldBe("https://example.invalid/lighthouse.jpg");
        meta.RootElement.GetProperty("query").GetString().ShouldBe("lighthouse on a cliff");
        result.Entries.ShouldAllBe(e => !e.Text.Contains("a photo of a photo"));
    }

    [Theory]
    [InlineData("a photo of a cat", "Look! [shares a photo of a cat]")]
    [InlineData("a photography of a lake at dusk", "Look! [shares a photo of a lake at dusk]")]
    [InlineData("two dogs on a couch", "Look! [shares a photo: two dogs on a couch]")]
    [InlineData("  ", "Look!")]
    public void Captions_are_rendered_without_doubling_a_photo_of(string caption, string expected) =>
        LocomoConventions.WithCaption("Look!", caption).ShouldBe(expected);

    [Fact]
    public async Task Bad_turns_are_problems_and_other_turns_still_come()
    {
        string path = _folder.Write("mini.json",
            """
            [
              { "sample_id": "s1",
                "conversation": {
                  "speaker_a": "A", "speaker_b": "B",
                  "session_10_date_time": "9:05 am on 2 January, 2024",
                  "session_10": [ { "speaker": "A", "dia_id": "D10:1", "text": "late session" } ],
                  "session_2_date_time": "not a date",
                  "session_2": [ { "speaker": "B", "dia_id": "D2:1", "text": "   " },
                                 { "speaker": "B", "dia_id": "D2:2", "text": 5 },
                                 { "speaker": "A", "dia_id": "D2:3", "text": "", "blip_caption": "a photo of a boat" } ]
                },
                "qa": []
              },
              { "sample_id": "s2", "conversation": { "session_1": [ { "speaker": "C", "dia_id": "D1:1", "text": "hi" } ] } }
            ]
            """);

        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), path);

        result.Entries.Select(e => (e.Stream, e.ExternalId, e.Text)).ShouldBe([
            ("s1", "D2:3", "[shares a photo of a boat]"),
            ("s1", "D10:1", "late session"),
            ("s2", "D1:1", "hi"),
        ]);
        result.Entries[0].Time.ShouldBeNull();
        result.Entries[1].Time.ShouldBe(new DateTimeOffset(2024, 1, 2, 9, 5, 0, TimeSpan.Zero));
        result.Problems.Select(p => (p.Line, p.Field)).ShouldBe([
            (2L, "[0].conversation.session_2_date_time"),
            (2L, "[0].conversation.session_2[0].text"),
            (2L, "[0].conversation.session_2[1].text"),
        ]);
        result.Problems[1].Message.ShouldContain("empty");
        result.Problems[2].Message.ShouldContain("expected a string");
    }

    [Fact]
    public async Task A_malformed_document_is_a_problem_at_the_failing_line_after_the_samples_before_it()
    {
        string path = _folder.Write("broken.json",
            """
            [
              { "sample_id": "ok", "conversation": { "session_1": [ { "speaker": "A", "dia_id": "D1:1", "text": "fine" } ] } },
              { "sample_id": "bad", "conversation": { "session_1": [ { "speaker": "A" "dia_id": "D1:1" } ] } },
              { "sample_id": "never", "conversation": { "session_1": [ { "speaker": "A", "dia_id": "D1:1", "text": "unreached" } ] } }
            ]
            """);

        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), path);

        result.Entries.ShouldHaveSingleItem().Text.ShouldBe("fine");
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(3);
        problem.Message.ShouldContain("malformed JSON");
    }

    [Fact]
    public async Task Sample_lines_and_error_lines_stay_exact_far_beyond_the_first_read_buffer()
    {
        var content = new System.Text.StringBuilder("[\n");
        for (int i = 0; i < 400; i++)
        {
            content.Append($"  {{ \"sample_id\": \"s{i}\",\n    \"conversation\": {{ \"session_1\": [\n");
            content.Append($"      {{ \"speaker\": \"A\", \"dia_id\": \"D1:1\", \"text\": \"{new string('t', 300)}\" }},\n");
            content.Append($"      {{ \"speaker\": \"A\", \"dia_id\": \"D1:2\", \"text\": {(i == 300 ? "7" : "\"ok\"")} }} ] }} }},\n");
        }
        content.Append("  { \"sample_id\": \"last\" \"conversation\": {} }\n]\n"); // missing comma on line 1602
        string path = _folder.Write("long.json", content.ToString());

        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), path);

        result.Entries.Count.ShouldBe(799);
        result.Problems.Select(p => (p.Line, p.Field)).ShouldBe([(2L + (300 * 4), "[300].conversation.session_1[1].text"), (1602L, null)]);
        result.Problems[1].Message.ShouldContain("malformed JSON");
    }

    [Fact]
    public async Task A_truncated_document_is_a_problem_and_not_a_hang()
    {
        string path = _folder.Write("cut.json", """[ { "sample_id": "x", "conversation": { "session_1": [ { "text": "a" """);

        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), path);

        result.Entries.ShouldBeEmpty();
        result.Problems.ShouldHaveSingleItem().Line.ShouldBe(1);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_sample_is_reported_on_its_line_and_later_samples_are_read()
    {
        byte[] content = [.. """
            [
              { "sample_id": "a", "conversation": { "session_1": [ { "speaker": "A", "dia_id": "D1:1", "text": "caf
            """u8, 0xC3, .. """
            " } ] } },
              { "sample_id": "b", "conversation": { "session_1": [ { "speaker": "B", "dia_id": "D1:1", "text": "fine" } ] } }
            ]
            """u8];
        string path = _folder.Write("utf8.json", content);

        var result = await ReaderRun.ReadFileAsync(new LocomoEntryReader(), path);

        result.Entries.ShouldHaveSingleItem().Stream.ShouldBe("b");
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(2);
        problem.Message.ShouldContain("UTF-8");
    }

    [Fact]
    public async Task The_dataset_loader_reads_questions_and_survives_malformed_evidence()
    {
        IReadOnlyList<LocomoSample> samples = await LocomoDataset.LoadAsync(DevFile);

        samples.Select(s => s.SampleId).ShouldBe(["conv-a", "conv-b"]);
        samples.Sum(s => s.Questions.Count).ShouldBe(6);
        samples.Sum(s => s.TurnIds.Count).ShouldBe(36);
        samples[0].SpeakerA.ShouldBe("Ana");

        LocomoQuestion first = samples[0].Questions[0];
        first.ShouldBe(first with
        {
            Question = "When did Ana run her first half marathon?",
            Answer = "The Sunday before 15 July 2023",
            Category = LocomoCategory.Temporal,
            AdversarialAnswer = null,
        });
        first.Evidence.ShouldBe(["D6:1"]);

        LocomoQuestion adversarial = samples[0].Questions[^1];
        adversarial.Category.ShouldBe(LocomoCategory.Adversarial);
        adversarial.Answer.ShouldBeNull();
        adversarial.AdversarialAnswer.ShouldBe("Sitting by the fire with family");

        // One evidence entry is "D4:1; D4:3": both ids are recovered.
        samples.SelectMany(s => s.Questions).ShouldContain(q => q.Evidence.SequenceEqual(new[] { "D4:1", "D4:3" }));
        samples.SelectMany(s => s.Questions).ShouldContain(q => q.Answer != null && q.Answer.All(char.IsDigit));
    }

    [Fact]
    public async Task The_dataset_loader_keeps_unreadable_evidence_apart()
    {
        string path = _folder.Write("qa.json",
            """
            [ { "sample_id": "q", "conversation": { "session_1": [ { "speaker": "A", "dia_id": "D1:1", "text": "x" } ] },
                "qa": [ { "question": "Q?", "answer": 2022, "evidence": ["D1:1", "D:", 7, "D1:9"], "category": 1 },
                        { "question": "R?", "evidence": "D1:1", "category": 99 },
                        { "answer": "no question" } ] } ]
            """);

        IReadOnlyList<LocomoSample> samples = await LocomoDataset.LoadAsync(path);

        LocomoSample sample = samples.ShouldHaveSingleItem();
        sample.Questions.Count.ShouldBe(2);
        LocomoQuestion q = sample.Questions[0];
        q.Answer.ShouldBe("2022");
        q.Evidence.ShouldBe(["D1:1", "D1:9"]);
        q.MalformedEvidence.ShouldBe(["D:", "7"]);
        q.MissingEvidence(sample).ShouldBe(["D1:9"]);
        sample.Questions[1].Evidence.ShouldBe(["D1:1"]);
        sample.Questions[1].Category.ShouldBe(LocomoCategory.Unknown);
    }
}
