using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Ingest;

public sealed class OpenAiEntryReaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Conversation = """
        {"messages": [
          {"role": "system", "content": "Be brief."},
          {"role": "user", "name": "ann", "content": [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "there"}]},
          {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
          {"role": "tool", "tool_call_id": "c1", "content": "42"},
          {"role": "assistant", "content": "The answer is 42."}
        ]}
        """;

    [Fact]
    public async Task A_pretty_printed_single_conversation_round_trips()
    {
        string path = _folder.Write("chat.json", Conversation);

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path);

        result.Problems.ShouldBeEmpty();
        result.Entries.ShouldBe([
            new NewEntry { Stream = "chat", ExternalId = "0:0", Session = "chat.json#0", Role = EntryRole.System, Speaker = "system", Text = "Be brief." },
            new NewEntry { Stream = "chat", ExternalId = "0:1", Session = "chat.json#0", Role = EntryRole.User, Speaker = "ann", Text = "Hi\nthere" },
            new NewEntry { Stream = "chat", ExternalId = "0:3", Session = "chat.json#0", Role = EntryRole.Tool, Speaker = "tool", Text = "42" },
            new NewEntry { Stream = "chat", ExternalId = "0:4", Session = "chat.json#0", Role = EntryRole.Assistant, Speaker = "assistant", Text = "The answer is 42." },
        ]);
    }

    [Fact]
    public async Task One_conversation_per_line_with_a_bad_line_in_the_middle()
    {
        string line = """{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}""";
        string path = _folder.Write("chats.jsonl", $"{line}\n{{\"messages\": [\n\n{line}\n");

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path, ReaderRun.Options(defaultStream: "agent"));

        result.Entries.Select(e => (e.Stream, e.Session, e.ExternalId, e.Text)).ShouldBe([
            ("agent", "chats.jsonl#0", "0:0", "q"),
            ("agent", "chats.jsonl#0", "0:1", "a"),
            ("agent", "chats.jsonl#2", "2:0", "q"),
            ("agent", "chats.jsonl#2", "2:1", "a"),
        ]);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(2);
        problem.Message.ShouldContain("malformed JSON");
    }

    [Fact]
    public async Task A_top_level_array_of_conversations_reports_bad_messages_at_their_conversation_line()
    {
        string path = _folder.Write("many.json",
            """
            [
              {"messages": [{"role": "user", "content": "one"}]},
              {"messages": [{"role": "wizard", "content": "x"}, {"role": "user", "content": 3}, {"role": "user", "content": "  "}, {"role": "user", "content": "two"}]},
              {"nothing": true}
            ]
            """);

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path);

        result.Entries.Select(e => (e.ExternalId, e.Text)).ShouldBe([("0:0", "one"), ("1:3", "two")]);
        result.Problems.Select(p => (p.Line, p.Field)).ShouldBe([
            (3L, "messages[0].role"),
            (3L, "messages[1].content"),
            (3L, "messages[2].content"),
            (4L, "messages"),
        ]);
        result.Problems[0].Message.ShouldContain("unknown role");
        result.Problems[2].Message.ShouldContain("empty");
    }

    [Fact]
    public async Task A_malformed_pretty_printed_file_stops_with_the_failing_line()
    {
        string path = _folder.Write("bad.json", "{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"hi\"}\n    {\"role\": \"user\"}\n  ]\n}\n");

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path);

        result.Entries.ShouldBeEmpty();
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(4);
    }

    [Fact]
    public async Task Oversized_content_is_rejected()
    {
        string path = _folder.Write("big.jsonl", $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('w', 50)}\"}},{{\"role\":\"user\",\"content\":\"ok\"}}]}}");

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path, ReaderRun.Options(maxEntryChars: 10));

        result.Entries.ShouldHaveSingleItem().Text.ShouldBe("ok");
        result.Problems.ShouldHaveSingleItem().Message.ShouldContain("oversized");
    }

    [Fact]
    public async Task Invalid_utf8_on_a_line_is_a_problem_for_that_conversation_only()
    {
        byte[] content = [.. "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"b"u8, 0xE2, 0x82,
            .. "\"}]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"c\"}]}\n"u8];
        string path = _folder.Write("utf8.jsonl", content);

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path);

        result.Entries.Select(e => e.ExternalId).ShouldBe(["0:0", "2:0"]);
        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        (problem.Line, problem.Message).ShouldBe((2L, "invalid UTF-8"));
    }

    [Fact]
    public async Task A_first_line_longer_than_the_sniffing_window_still_reads_as_one_conversation_per_line()
    {
        string longText = new('l', 100_000);
        string path = _folder.Write("long.jsonl",
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{longText}\"}}]}}\n{{\"messages\":[{{\"role\":\"assistant\",\"content\":\"short\"}}]}}\n");

        var result = await ReaderRun.ReadFileAsync(new OpenAiEntryReader(), path);

        result.Problems.ShouldBeEmpty();
        result.Entries.Select(e => (e.ExternalId, e.Text.Length)).ShouldBe([("0:0", 100_000), ("1:0", 5)]);
    }
}
