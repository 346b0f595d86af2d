using System.Text;
using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Ingest;

public sealed class JsonlEntryReaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Round_trips_every_field()
    {
        string path = _folder.Write("chat.jsonl",
            """
            {"stream":"alice","id":"m1","session":"s1","time":"2024-03-01T10:15:30+02:00","role":"assistant","speaker":"Bot","text":"Hello there","meta":{"k":[1,2]}}

            {"text":"only text","id":42,"time":"2024-03-01T10:15:30"}
            """);

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(), path, ReaderRun.Options(defaultStream: "fallback"));

        result.Problems.ShouldBeEmpty();
        result.Entries.Count.ShouldBe(2);
        result.Entries[0].ShouldBe(new NewEntry
        {
            Stream = "alice",
            ExternalId = "m1",
            Session = "s1",
            Time = new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.FromHours(2)),
            Role = EntryRole.Assistant,
            Speaker = "Bot",
            Text = "Hello there",
            Meta = """{"k":[1,2]}""",
        });
        result.Entries[1].ShouldBe(new NewEntry
        {
            Stream = "fallback",
            ExternalId = "42",
            Time = new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.Zero),
            Role = EntryRole.User,
            Text = "only text",
        });
    }

    [Theory]
    [InlineData("""{"text":"hi"}""", "stream", "no default stream")]
    [InlineData("""{"stream":"s","text":"hi","time":"yesterday"}""", "time", "ISO-8601")]
    [InlineData("""{"stream":"s","text":"hi","time":"03/01/2024"}""", "time", "ISO-8601")]
    [InlineData("""{"stream":"s","text":"hi","role":"wizard"}""", "role", "unknown role")]
    [InlineData("""{"stream":"s","text":"hi","meta":"not an object"}""", "meta", "expected an object")]
    [InlineData("""{"stream":"s","text":"hi","meta":[1]}""", "meta", "expected an object")]
    [InlineData("""{"stream":"s","text":"   "}""", "text", "empty")]
    [InlineData("""{"stream":"s","text":""}""", "text", "empty")]
    [InlineData("""{"stream":"s"}""", "text", "missing")]
    [InlineData("""{"stream":"s","text":12}""", "text", "expected a string, got a number")]
    [InlineData("""{"stream":"s","text":"hi","id":true}""", "id", "expected a string or a number")]
    [InlineData("""{"stream":"s","text":"hi","speaker":{}}""", "speaker", "expected a string")]
    [InlineData("""{"stream":"s","text":"hi","role":3}""", "role", "expected a string")]
    [InlineData("""{"stream":"s","text":"hi",""", null, "malformed JSON")]
    [InlineData("""[1,2]""", null, "expected a JSON object")]
    public async Task A_bad_line_is_a_problem_naming_line_and_field_and_reading_goes_on(string badLine, string? field, string message)
    {
        string path = _folder.Write("bad.jsonl", $"{{\"stream\":\"s\",\"text\":\"first\"}}\n{badLine}\n{{\"stream\":\"s\",\"text\":\"third\"}}\n");

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(), path);

        result.Entries.Select(e => e.Text).ShouldBe(["first", "third"]);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Source.ShouldBe("bad.jsonl");
        problem.Line.ShouldBe(2);
        problem.Field.ShouldBe(field);
        problem.Message.ShouldContain(message, Case.Insensitive);
    }

    [Fact]
    public async Task Oversized_text_is_rejected_on_field_text()
    {
        string path = _folder.Write("big.jsonl", $"{{\"stream\":\"s\",\"text\":\"{new string('x', 101)}\"}}\n{{\"stream\":\"s\",\"text\":\"{new string('y', 100)}\"}}");

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(), path, ReaderRun.Options(maxEntryChars: 100));

        result.Entries.ShouldHaveSingleItem().Text.Length.ShouldBe(100);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        (problem.Line, problem.Field).ShouldBe((1L, "text"));
        problem.Message.ShouldContain("oversized");
    }

    [Fact]
    public async Task Invalid_utf8_is_reported_on_its_line_not_replaced()
    {
        byte[] bad = [.. "{\"stream\":\"s\",\"text\":\"caf"u8, 0xC3, 0x28, .. "\"}\n"u8];
        string path = _folder.Write("utf8.jsonl", [.. "{\"stream\":\"s\",\"text\":\"ok\"}\n"u8, .. bad, .. "{\"stream\":\"s\",\"text\":\"caf\u00e9\"}"u8]);

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(), path);

        result.Entries.Select(e => e.Text).ShouldBe(["ok", "café"]);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(2);
        problem.Message.ShouldContain("UTF-8");
        result.Entries.ShouldAllBe(e => !e.Text.Contains('\uFFFD'));
    }

    [Fact]
    public async Task An_overlong_line_is_a_problem_and_the_next_line_is_read()
    {
        string longText = new('z', 5000);
        string path = _folder.Write("long.jsonl",
            $"{{\"stream\":\"s\",\"text\":\"a\"}}\n{{\"stream\":\"s\",\"text\":\"{longText}\"}}\n{{\"stream\":\"s\",\"text\":\"b\"}}\r\n{{\"stream\":\"s\",\"text\":\"c\"}}");

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(maxLineBytes: 1024), path);

        result.Entries.Select(e => e.Text).ShouldBe(["a", "b", "c"]);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(2);
        problem.Message.ShouldContain("longer than");
    }

    [Fact]
    public async Task A_byte_order_mark_and_crlf_line_ends_are_tolerated()
    {
        string path = _folder.Write("bom.jsonl", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"stream\":\"s\",\"text\":\"one\"}\r\n{\"stream\":\"s\",\"text\":\"two\"}\r\n")]);

        var result = await ReaderRun.ReadFileAsync(new JsonlEntryReader(), path);

        result.Problems.ShouldBeEmpty();
        result.Entries.Select(e => e.Text).ShouldBe(["one", "two"]);
    }
}
