using System.Text;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Ingest;

public sealed class IngestSourcesTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IngestSources Sources(Func<Stream>? stdin = null) => new(TiktokenCounter.Get(TiktokenCounter.O200kBase), stdin);

    [Fact]
    public void A_folder_is_walked_recursively_in_ordinal_order_skipping_hidden_entries_and_unknown_extensions()
    {
        _folder.Write("corpus/b.md", "b");
        _folder.Write("corpus/a.jsonl", "{}");
        _folder.Write("corpus/B.txt", "B");
        _folder.Write("corpus/sub/z.json", "[]");
        _folder.Write("corpus/sub/deeper/m.ndjson", "{}");
        _folder.Write("corpus/sub-2/x.rst", "x");
        _folder.Write("corpus/.hidden.md", "no");
        _folder.Write("corpus/.git/config.md", "no");
        _folder.Write("corpus/image.png", "no");

        var files = IngestSources.EnumerateFiles(Path.Combine(_folder.Path, "corpus"));

        files.Select(f => f.SourceName).ShouldBe([
            "corpus/B.txt", "corpus/a.jsonl", "corpus/b.md", "corpus/sub-2/x.rst", "corpus/sub/deeper/m.ndjson", "corpus/sub/z.json",
        ]);
        files.ShouldAllBe(f => File.Exists(f.Path));
    }

    [Fact]
    public void A_named_file_keeps_its_name_and_a_missing_path_is_an_error()
    {
        string file = _folder.Write("notes.data", "x");

        IngestSources.EnumerateFiles(file).ShouldBe([(file, "notes.data")]);
        IngestSources.EnumerateFiles("-").ShouldBe([("-", "stdin")]);
        Should.Throw<IngestException>(() => IngestSources.EnumerateFiles(Path.Combine(_folder.Path, "missing"))).Message.ShouldContain("missing");
    }

    [Theory]
    [InlineData("a.jsonl", IngestFormat.Jsonl)]
    [InlineData("a.NDJSON", IngestFormat.Jsonl)]
    [InlineData("a.md", IngestFormat.Text)]
    [InlineData("a.markdown", IngestFormat.Text)]
    [InlineData("a.txt", IngestFormat.Text)]
    [InlineData("a.rst", IngestFormat.Text)]
    public void Extensions_decide_when_they_can(string name, IngestFormat expected) =>
        IngestFormatDetector.FromExtension(name).ShouldBe(expected);

    [Theory]
    [InlineData("""[{"sample_id":"s","conversation":{"session_1":[]},"qa":[]}]""", IngestFormat.Locomo)]
    [InlineData("""[{"conversation":{},"qa":[]}]""", IngestFormat.Locomo)]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", IngestFormat.OpenAi)]
    [InlineData("""[{"messages":[]}]""", IngestFormat.OpenAi)]
    [InlineData("{\"messages\":[]}\n{\"messages\":[]}\n", IngestFormat.OpenAi)]
    public async Task Json_files_are_sniffed(string content, IngestFormat expected)
    {
        string path = _folder.Write("input.json", content);
        await using FileStream input = File.OpenRead(path);

        (IngestFormat format, Stream replay) = await IngestSources.DetectAsync(input, "input.json");

        format.ShouldBe(expected);
        using var reader = new StreamReader(replay, Encoding.UTF8);
        (await reader.ReadToEndAsync()).ShouldBe(content); // sniffing consumed nothing the reader will miss
    }

    [Theory]
    [InlineData("""{"text":"a jsonl record"}""")]
    [InlineData("""[{"id":1}]""")]
    [InlineData("not json at all")]
    public async Task An_undetectable_json_file_is_an_error_naming_the_file(string content)
    {
        string path = _folder.Write("mystery.json", content);

        var error = await Should.ThrowAsync<IngestException>(() => ReaderRun.CollectAsync(Sources().ReadAsync(path, IngestFormat.Auto, ReaderRun.Options())));

        error.Message.ShouldContain("mystery.json");
    }

    [Fact]
    public async Task An_unknown_extension_that_is_not_json_is_an_error_naming_the_file()
    {
        string path = _folder.Write("data.bin", "plain words");

        var error = await Should.ThrowAsync<IngestException>(() => ReaderRun.CollectAsync(Sources().ReadAsync(path, IngestFormat.Auto, ReaderRun.Options())));

        error.Message.ShouldContain("data.bin");
    }

    [Fact]
    public async Task A_folder_is_read_file_by_file_each_with_its_own_reader()
    {
        _folder.Write("kb/1-chat.jsonl", """{"text":"from jsonl"}""");
        _folder.Write("kb/2-doc.md", "# Title\nfrom markdown");
        _folder.Write("kb/3-chat.json", """{"messages":[{"role":"user","content":"from openai"}]}""");
        _folder.Write("kb/4-locomo.json", """[{"sample_id":"conv","conversation":{"session_1":[{"speaker":"A","dia_id":"D1:1","text":"from locomo"}]}}]""");

        var result = await ReaderRun.CollectAsync(Sources().ReadAsync(Path.Combine(_folder.Path, "kb"), IngestFormat.Auto, ReaderRun.Options(defaultStream: "kb")));

        result.Problems.ShouldBeEmpty();
        result.Entries.Select(e => (e.Stream, e.Text)).ShouldBe([
            ("kb", "from jsonl"),
            ("kb", "# Title\nfrom markdown"),
            ("kb", "from openai"),
            ("conv", "from locomo"),
        ]);
        result.Entries[1].ExternalId.ShouldBe("kb/2-doc.md#L1-L2");
        result.Entries[2].Session.ShouldBe("kb/3-chat.json#0");
    }

    [Fact]
    public async Task An_explicit_format_overrides_the_extension()
    {
        string path = _folder.Write("log.txt", """{"stream":"s","text":"json in a txt file"}""");

        var result = await ReaderRun.CollectAsync(Sources().ReadAsync(path, IngestFormat.Jsonl, ReaderRun.Options()));

        result.Entries.ShouldHaveSingleItem().Text.ShouldBe("json in a txt file");
    }

    [Theory]
    [InlineData("{\"stream\":\"s\",\"text\":\"piped\"}\n", "piped")]
    [InlineData("Just some piped prose.\n", "Just some piped prose.")]
    public async Task Stdin_is_sniffed_from_its_content(string content, string expectedText)
    {
        string path = _folder.Write("stdin.bin", content);

        var result = await ReaderRun.CollectAsync(Sources(() => File.OpenRead(path)).ReadAsync("-", IngestFormat.Auto, ReaderRun.Options(defaultStream: "in")));

        result.Problems.ShouldBeEmpty();
        result.Entries.ShouldHaveSingleItem().Text.ShouldBe(expectedText);
    }
}
