using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Ingest;

public sealed class TextEntryReaderTests : IDisposable
{
    private static readonly ITokenCounter Counter = TiktokenCounter.Get(TiktokenCounter.O200kBase);
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Merges_paragraphs_within_a_section_and_starts_a_chunk_at_each_heading()
    {
        string path = _folder.Write("guide.md",
            """
            # Guide
            Intro paragraph.

            Second paragraph.
            ## Install
            Run the installer.


            Then reboot.
            # Other
            Last words.
            """);

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, sourceName: "docs/guide.md");

        result.Problems.ShouldBeEmpty();
        result.Entries.Count.ShouldBe(3);
        result.Entries[0].ShouldBe(new NewEntry
        {
            Stream = "guide",
            ExternalId = "docs/guide.md#L1-L4",
            Session = "Guide",
            Role = EntryRole.User,
            Text = "# Guide\nIntro paragraph.\n\nSecond paragraph.",
            Meta = """{"file":"docs/guide.md","lines":[1,4],"heading":"Guide"}""",
        });
        result.Entries[1].ExternalId.ShouldBe("docs/guide.md#L5-L9");
        result.Entries[1].Session.ShouldBe("Guide > Install");
        result.Entries[1].Text.ShouldBe("## Install\nRun the installer.\n\n\nThen reboot.");
        result.Entries[2].ExternalId.ShouldBe("docs/guide.md#L10-L11");
        result.Entries[2].Session.ShouldBe("Other");
        result.Entries.ShouldAllBe(e => e.Speaker == null);
    }

    [Fact]
    public async Task Paragraphs_that_do_not_fit_together_become_separate_chunks_with_their_own_lines()
    {
        string paragraph = string.Join(' ', Enumerable.Repeat("alpha beta gamma delta.", 8));
        string path = _folder.Write("notes.txt", $"{paragraph}\n\n{paragraph}\n\n{paragraph}\n");

        int limit = Counter.CountTokens(paragraph) + 5;
        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, ReaderRun.Options(defaultStream: "kb", maxChunkTokens: limit));

        result.Entries.Select(e => e.ExternalId).ShouldBe(["notes.txt#L1-L1", "notes.txt#L3-L3", "notes.txt#L5-L5"]);
        result.Entries.ShouldAllBe(e => e.Stream == "kb" && e.Text == paragraph && e.Session == null);
    }

    [Fact]
    public async Task An_overlong_paragraph_is_cut_at_sentences_with_exact_line_ranges()
    {
        var lines = Enumerable.Range(1, 12).Select(i => $"Sentence number {i} talks about topic {i} at some length.").ToList();
        string path = _folder.Write("long.md", string.Join('\n', lines));

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, ReaderRun.Options(maxChunkTokens: 40));

        result.Entries.Count.ShouldBeGreaterThan(2);
        foreach (NewEntry entry in result.Entries)
        {
            Counter.CountTokens(entry.Text).ShouldBeLessThanOrEqualTo(40);
            entry.Text.ShouldEndWith(".");
            using JsonDocument meta = JsonDocument.Parse(entry.Meta!);
            int start = meta.RootElement.GetProperty("lines")[0].GetInt32();
            int end = meta.RootElement.GetProperty("lines")[1].GetInt32();
            entry.ExternalId.ShouldBe($"long.md#L{start}-L{end}");
            entry.Text.ShouldBe(string.Join('\n', lines.Skip(start - 1).Take(end - start + 1)));
        }
        string.Join('\n', result.Entries.Select(e => e.Text)).ShouldBe(string.Join('\n', lines));
    }

    [Fact]
    public async Task A_word_longer_than_the_limit_is_cut_inside_and_nothing_is_lost()
    {
        string blob = string.Concat(Enumerable.Range(0, 400).Select(i => (char)('a' + (i * 7 % 26))));
        string path = _folder.Write("blob.txt", $"see {blob} end");

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, ReaderRun.Options(maxChunkTokens: 10));

        result.Entries.ShouldAllBe(e => Counter.CountTokens(e.Text) <= 10);
        string.Concat(result.Entries.Select(e => e.Text)).ShouldBe($"see{blob}end");
    }

    [Fact]
    public async Task A_code_fence_is_kept_whole_when_it_fits_even_with_blank_lines_and_hashes_inside()
    {
        string fence = "```python\n# not a heading\n\nprint('x')\n```";
        string path = _folder.Write("code.md", $"# Code\nBefore.\n\n{fence}\n\nAfter.\n");
        int limit = Counter.CountTokens(fence) + 1;

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, ReaderRun.Options(maxChunkTokens: limit));

        result.Entries.ShouldContain(e => e.Text == fence && e.ExternalId == "code.md#L4-L8");
        result.Entries.ShouldAllBe(e => e.Session == "Code");
        result.Entries.ShouldAllBe(e => Counter.CountTokens(e.Text) <= limit);
    }

    [Fact]
    public async Task A_fence_larger_than_the_limit_is_cut_between_lines()
    {
        var code = Enumerable.Range(0, 40).Select(i => $"let value{i} = compute({i}) + offset;").ToList();
        string path = _folder.Write("big-code.md", "```\n" + string.Join('\n', code) + "\n```\n");

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path, ReaderRun.Options(maxChunkTokens: 50));

        result.Entries.Count.ShouldBeGreaterThan(3);
        result.Entries.ShouldAllBe(e => Counter.CountTokens(e.Text) <= 50);
        result.Entries.Skip(1).SkipLast(1).ShouldAllBe(e => e.Text.Split('\n', StringSplitOptions.None).All(l => code.Contains(l)));
    }

    [Fact]
    public async Task Invalid_utf8_lines_are_reported_and_left_out()
    {
        byte[] content = [.. "Good line.\n"u8, 0xFF, 0xFE, .. "bad\nAnother good line.\n"u8];
        string path = _folder.Write("mixed.txt", content);

        var result = await ReaderRun.ReadFileAsync(new TextEntryReader(Counter), path);

        IngestProblem problem = result.Problems.ShouldHaveSingleItem();
        (problem.Source, problem.Line).ShouldBe(("mixed.txt", 2L));
        problem.Message.ShouldContain("UTF-8");
        result.Entries.ShouldHaveSingleItem().Text.ShouldBe("Good line.\n\nAnother good line.");
    }

    [Fact]
    public void Chunks_never_exceed_the_limit_and_cover_the_document_in_order()
    {
        Arbitrary<(int Seed, int Limit)> inputs = Gen.Choose(0, int.MaxValue - 1)
            .SelectMany(seed => Gen.Choose(4, 120), (seed, limit) => (seed, limit))
            .ToArbitrary();

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(inputs, input =>
        {
            string[] lines = RandomMarkdown.Generate(new Random(input.Seed));
            var chunker = new MarkdownChunker(Counter, input.Limit);
            var chunks = new List<TextChunk>();
            for (int i = 0; i < lines.Length; i++) chunker.AddLine(i + 1, lines[i], chunks);
            chunker.Complete(chunks);

            long previousEnd = 0;
            foreach (TextChunk chunk in chunks)
            {
                Counter.CountTokens(chunk.Text).ShouldBeLessThanOrEqualTo(input.Limit, $"seed {input.Seed}");
                chunk.Text.ShouldNotBeNullOrWhiteSpace();
                chunk.StartLine.ShouldBeGreaterThanOrEqualTo(previousEnd, $"seed {input.Seed}");
                chunk.EndLine.ShouldBeGreaterThanOrEqualTo(chunk.StartLine);
                chunk.EndLine.ShouldBeLessThanOrEqualTo(lines.Length);
                previousEnd = chunk.EndLine;
            }
            // Every non-blank word of the document lands in some chunk, in order.
            string.Concat(chunks.Select(c => c.Text)).Where(c => !char.IsWhiteSpace(c))
                .ShouldBe(string.Concat(lines).Where(c => !char.IsWhiteSpace(c)), $"seed {input.Seed}");
            return true;
        }));
    }

    /// <summary>Markdown with headings, paragraphs of varied length, fences, blank runs and unbroken long words.</summary>
    private static class RandomMarkdown
    {
        private static readonly string[] Words = ["the", "memory", "engine", "keeps", "every", "token", "ünïcödé", "日本語", "🙂", "x=1;", "(note)", "end.", "why?", "yes!"];

        public static string[] Generate(Random random)
        {
            var lines = new List<string>();
            int blocks = random.Next(1, 14);
            for (int b = 0; b < blocks; b++)
            {
                switch (random.Next(6))
                {
                    case 0:
                        lines.Add(new string('#', random.Next(1, 7)) + " " + Sentence(random, 1, 6));
                        break;
                    case 1:
                        lines.Add("```");
                        for (int i = random.Next(0, 12); i > 0; i--) lines.Add(random.Next(4) == 0 ? "" : Sentence(random, 1, 12));
                        if (random.Next(5) > 0) lines.Add("```");
                        break;
                    case 2:
                        lines.Add(string.Concat(Enumerable.Range(0, random.Next(50, 600)).Select(_ => (char)random.Next('a', 'z' + 1))));
                        break;
                    default:
                        for (int i = random.Next(1, 8); i > 0; i--) lines.Add(Sentence(random, 1, 40));
                        break;
                }
                for (int i = random.Next(0, 3); i > 0; i--) lines.Add(random.Next(3) == 0 ? "   " : "");
            }
            return [.. lines];
        }

        private static string Sentence(Random random, int min, int max)
        {
            var text = new StringBuilder();
            for (int i = random.Next(min, max); i > 0; i--)
            {
                if (text.Length > 0) text.Append(' ');
                text.Append(Words[random.Next(Words.Length)]);
            }
            return text.ToString();
        }
    }
}
