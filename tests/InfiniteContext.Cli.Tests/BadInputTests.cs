using System.Text;
using System.Text.Json;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary>Every bad input gets a message naming the file, line or field, a non-zero exit, and leaves the store as it was.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _store;

    public BadInputTests()
    {
        _store = _dir.File("store");
    }

    public void Dispose() => _dir.Dispose();

    private async Task SeedAsync()
    {
        string good = _dir.File("good.jsonl");
        await File.WriteAllTextAsync(good, """
            {"stream":"s","id":"1","text":"the quick brown fox"}
            {"stream":"s","id":"2","text":"jumps over the lazy dog"}
            """);
        var r = await CliRunner.RunAsync("ingest", good, "--store", _store, "--progress", "none");
        r.ExitCode.ShouldBe(0, r.ToString());
    }

    /// <summary>The store still opens, holds exactly the seeded entries, and search agrees.</summary>
    private async Task AssertStoreIntactAsync(int expectedEntries = 2)
    {
        var stats = await CliRunner.RunAsync("stats", "--store", _store, "--json");
        stats.ExitCode.ShouldBe(0, stats.ToString());
        using var doc = JsonDocument.Parse(stats.Stdout);
        doc.RootElement.GetProperty("entries").GetInt64().ShouldBe(expectedEntries);
        doc.RootElement.GetProperty("lexicalCoveredSeq").GetInt64().ShouldBe(doc.RootElement.GetProperty("lastSeq").GetInt64());
        var search = await CliRunner.RunAsync("search", "fox", "--store", _store, "--json");
        search.ExitCode.ShouldBe(0, search.ToString());
        search.Stdout.ShouldContain("quick brown fox");
    }

    private async Task<CliResult> IngestAsync(string file, params string[] extra) =>
        await CliRunner.RunAsync(["ingest", file, "--store", _store, "--progress", "none", .. extra]);

    [Fact]
    public async Task Malformed_json_line_names_file_and_line_and_nothing_from_the_bad_line_on_is_stored()
    {
        await SeedAsync();
        string bad = _dir.File("bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"stream\":\"s\",\"text\":\"fine line\"}\n{\"stream\":\"s\",\"text\": oops}\n{\"stream\":\"s\",\"text\":\"after\"}\n");
        var r = await IngestAsync(bad);
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("bad.jsonl:2");
        await AssertStoreIntactAsync(expectedEntries: 3); // the line before the bad one is stored, the bad one and after are not
    }

    [Fact]
    public async Task Skip_mode_reports_each_bad_line_and_stores_the_rest()
    {
        await SeedAsync();
        string bad = _dir.File("bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"stream\":\"s\",\"text\": oops}\n{\"stream\":\"s\",\"text\":\"\"}\n{\"stream\":\"s\",\"text\":\"kept\"}\n");
        var r = await IngestAsync(bad, "--on-error", "skip", "--json");
        r.ExitCode.ShouldBe(0, r.ToString());
        r.Stderr.ShouldContain("bad.jsonl:1");
        r.Stderr.ShouldContain("bad.jsonl:2");
        r.Stderr.ShouldContain("text");
        using var doc = JsonDocument.Parse(r.Stdout);
        doc.RootElement.GetProperty("added").GetInt64().ShouldBe(1);
        doc.RootElement.GetProperty("problems").GetInt64().ShouldBe(2);
        await AssertStoreIntactAsync(expectedEntries: 3);
    }

    [Fact]
    public async Task Invalid_utf8_is_reported_with_its_line_not_replaced()
    {
        await SeedAsync();
        string bad = _dir.File("latin1.jsonl");
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"stream\":\"s\",\"text\":\"caf"));
        bytes.Add(0xE9); // Latin-1 'é': not valid UTF-8
        bytes.AddRange(Encoding.UTF8.GetBytes("\"}\n"));
        await File.WriteAllBytesAsync(bad, [.. bytes]);
        var r = await IngestAsync(bad);
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("latin1.jsonl:1");
        r.Stderr.ShouldContain("UTF-8", Case.Insensitive);
        await AssertStoreIntactAsync();
    }

    [Fact]
    public async Task Empty_and_oversized_text_name_the_text_field()
    {
        await SeedAsync();
        string empty = _dir.File("empty.jsonl");
        await File.WriteAllTextAsync(empty, "{\"stream\":\"s\",\"text\":\"   \"}\n");
        var r = await IngestAsync(empty);
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("empty.jsonl:1");
        r.Stderr.ShouldContain("'text'");

        string huge = _dir.File("huge.jsonl");
        await File.WriteAllTextAsync(huge, "{\"stream\":\"s\",\"text\":\"" + new string('a', 1_200_000) + "\"}\n");
        r = await IngestAsync(huge);
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("huge.jsonl:1");
        r.Stderr.ShouldContain("oversized");
        await AssertStoreIntactAsync();
    }

    [Fact]
    public async Task Unknown_format_is_refused_before_the_store_is_touched()
    {
        await SeedAsync();
        string odd = _dir.File("data.bin");
        await File.WriteAllBytesAsync(odd, [1, 2, 3, 0, 5]);
        var r = await IngestAsync(odd);
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("data.bin");
        var bad = await CliRunner.RunAsync("ingest", odd, "--store", _store, "--format", "yaml");
        bad.ExitCode.ShouldNotBe(0);
        bad.Stderr.ShouldContain("yaml");
        await AssertStoreIntactAsync();
    }

    [Fact]
    public async Task Missing_store_is_a_clear_error_for_readers()
    {
        var r = await CliRunner.RunAsync("search", "x", "--store", _dir.File("nowhere"));
        r.ExitCode.ShouldBe(3, r.ToString());
        r.Stderr.ShouldContain("nowhere");
        var s = await CliRunner.RunAsync("stats", "--store", _dir.File("nowhere"));
        s.ExitCode.ShouldBe(3, s.ToString());
        Directory.Exists(_dir.File("nowhere")).ShouldBeFalse("a read must not create a store");
    }

    [Fact]
    public async Task A_store_held_by_another_writer_is_refused_and_stays_intact()
    {
        await SeedAsync();
        await using (await MemoryStore.OpenAsync(_store))
        {
            string more = _dir.File("more.jsonl");
            await File.WriteAllTextAsync(more, "{\"stream\":\"s\",\"text\":\"another\"}\n");
            var r = await IngestAsync(more);
            r.ExitCode.ShouldBe(4, r.ToString());
            r.Stderr.ShouldContain("another writer");
            // Readers are not blocked by the writer.
            var search = await CliRunner.RunAsync("search", "fox", "--store", _store);
            search.ExitCode.ShouldBe(0, search.ToString());
        }
        await AssertStoreIntactAsync();
    }

    [Fact]
    public async Task Missing_input_file_and_bad_arguments_fail_with_usage_errors()
    {
        (await CliRunner.RunAsync("ingest", _dir.File("absent.jsonl"), "--store", _store)).ExitCode.ShouldBe(2);
        (await CliRunner.RunAsync("search", "x")).Stderr.ShouldContain("--store");
        await SeedAsync();
        (await CliRunner.RunAsync("context", "x", "--store", _store, "--stream", "s", "--budget", "0")).ExitCode.ShouldBe(2);
        (await CliRunner.RunAsync("search", "x", "--store", _store, "--top", "0")).ExitCode.ShouldBe(2);
        string queries = _dir.File("q.jsonl");
        await File.WriteAllTextAsync(queries, "{\"id\":\"a\",\"query\":\"fox\"}\nnot json\n{\"id\":\"c\"}\n");
        var batch = await CliRunner.RunAsync("search", "--queries", queries, "--store", _store, "--json");
        batch.ExitCode.ShouldBe(2, batch.ToString());
        batch.Stderr.ShouldContain("q.jsonl:2");
        batch.Stderr.ShouldContain("q.jsonl:3");
        batch.Stdout.ShouldContain("\"id\":\"a\"");
    }

    [Fact]
    public async Task Semantic_commands_reject_bad_arguments_and_leave_the_store_intact()
    {
        await SeedAsync();

        var model = await CliRunner.RunAsync("index", "--store", _store, "--model", "gpt-9", "--progress", "none");
        model.ExitCode.ShouldBe(2, model.ToString());
        model.Stderr.ShouldContain("--model 'gpt-9'");

        var none = await CliRunner.RunAsync("index", "--store", _store, "--model", "none", "--progress", "none");
        none.ExitCode.ShouldBe(2, none.ToString());
        none.Stderr.ShouldContain("--model none");

        // No vectors yet: dense retrieval says which command makes them.
        var dense = await CliRunner.RunAsync("search", "fox", "--store", _store, "--retrieval", "dense");
        dense.ExitCode.ShouldBe(2, dense.ToString());
        dense.Stderr.ShouldContain("infctx index");

        var missingStore = await CliRunner.RunAsync("index", "--store", _dir.File("nowhere"), "--model", "minilm", "--progress", "none");
        missingStore.ExitCode.ShouldBe(3, missingStore.ToString());
        Directory.Exists(_dir.File("nowhere")).ShouldBeFalse();

        var missingFile = await CliRunner.RunAsync("eval", "locomo", _dir.File("absent.json"), "--model", "none");
        missingFile.ExitCode.ShouldBe(2, missingFile.ToString());
        missingFile.Stderr.ShouldContain("absent.json");

        string notLocomo = _dir.File("not-locomo.json");
        await File.WriteAllTextAsync(notLocomo, "{ this is not json");
        var malformed = await CliRunner.RunAsync("eval", "locomo", notLocomo, "--model", "none");
        malformed.ExitCode.ShouldBe(2, malformed.ToString());
        malformed.Stderr.ShouldContain("not-locomo.json");

        await AssertStoreIntactAsync();
    }
}
