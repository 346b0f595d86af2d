using System.Text.Json;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary>The CLI end to end, through the real binary: the contract our evaluation scripts rely on.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string LocomoDev => Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json");

    [Fact]
    public async Task Demo_builds_a_store_and_shows_cited_search_and_context()
    {
        string store = _dir.File("demo");
        var r = await CliRunner.RunAsync("demo", "--store", store);
        r.ExitCode.ShouldBe(0, r.ToString());
        r.Stdout.ShouldContain("ingested conversation.jsonl");
        r.Stdout.ShouldContain("[#"); // citations
        r.Stdout.ShouldContain("2,100"); // the budget fact is retrieved
        r.Stdout.ShouldContain("of 400 tokens");
        // Running it again on the same store is idempotent: everything is already present.
        var again = await CliRunner.RunAsync("demo", "--store", store);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Stdout.ShouldContain("0 new entries");
    }

    // The default embedded model is the int8 rewrite of Arctic XS; a store already indexed with its fp32 original keeps
    // that model when index runs again without --model (its vectors are another model's to the store).
    [Fact]
    public async Task Index_defaults_to_int8_arctic_and_a_store_indexed_with_fp32_keeps_its_model()
    {
        string file = _dir.File("turns.jsonl");
        await File.WriteAllTextAsync(file, """
            {"stream":"u1","id":"a","speaker":"Ann","text":"I have been looking into adoption agencies lately."}
            {"stream":"u1","id":"b","speaker":"Bob","text":"We took the ferry to the islands with our bicycles."}
            """);
        string more = _dir.File("more.jsonl");
        await File.WriteAllTextAsync(more, """{"stream":"u1","id":"c","speaker":"Ann","text":"Pottery class is on Tuesdays."}""" + "\n");

        string int8 = _dir.File("int8"), fp32 = _dir.File("fp32");
        foreach (var store in new[] { int8, fp32 })
            (await CliRunner.RunAsync("ingest", file, "--store", store, "--progress", "none")).ExitCode.ShouldBe(0);
        var byDefault = await CliRunner.RunAsync("index", "--store", int8, "--wait", "--progress", "none", "--json");
        byDefault.ExitCode.ShouldBe(0, byDefault.ToString());
        LastJson(byDefault.Stdout).GetProperty("model").GetString().ShouldBe("snowflake-arctic-embed-xs-int8");
        (await File.ReadAllTextAsync(Path.Combine(int8, "index", "vectors", "snowflake-arctic-embed-xs-int8.model.json"))).ShouldContain("\"arctic-xs-int8\"");

        (await CliRunner.RunAsync("index", "--store", fp32, "--model", "arctic-xs", "--wait", "--progress", "none")).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync("ingest", more, "--store", fp32, "--progress", "none")).ExitCode.ShouldBe(0);
        var resumed = await CliRunner.RunAsync("index", "--store", fp32, "--wait", "--progress", "none", "--json");
        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        var r = LastJson(resumed.Stdout);
        r.GetProperty("model").GetString().ShouldBe("snowflake-arctic-embed-xs");
        r.GetProperty("added").GetInt64().ShouldBe(1);
        File.Exists(Path.Combine(fp32, "index", "vectors", "snowflake-arctic-embed-xs-int8.vec")).ShouldBeFalse();

        var search = await CliRunner.RunAsync("search", "What did Ann research?", "--store", int8, "--top", "1", "--json");
        search.ExitCode.ShouldBe(0, search.ToString());
        JsonDocument.Parse(search.Stdout).RootElement.GetProperty("hits")[0].GetProperty("id").GetString().ShouldBe("a");

        // Without its descriptor (a store written before descriptors, or by an eval that kept no descriptor), the
        // default model's vectors are still found by their file name, as every embedded model's are.
        File.Delete(Path.Combine(int8, "index", "vectors", "snowflake-arctic-embed-xs-int8.model.json"));
        var dense = await CliRunner.RunAsync("search", "What did Ann research?", "--store", int8, "--top", "1", "--json", "--retrieval", "dense");
        dense.ExitCode.ShouldBe(0, dense.ToString());
        JsonDocument.Parse(dense.Stdout).RootElement.GetProperty("hits")[0].GetProperty("id").GetString().ShouldBe("a");
    }

    [Fact]
    public async Task A_model_descriptor_naming_no_embedded_model_is_refused_with_its_file_and_field_and_the_store_stays()
    {
        string file = _dir.File("turns.jsonl");
        await File.WriteAllTextAsync(file, """{"stream":"u1","id":"a","text":"We took the ferry to the islands."}""" + "\n");
        string store = _dir.File("store");
        (await CliRunner.RunAsync("ingest", file, "--store", store, "--progress", "none")).ExitCode.ShouldBe(0);
        string vectors = Path.Combine(store, "index", "vectors");
        Directory.CreateDirectory(vectors);
        await File.WriteAllBytesAsync(Path.Combine(vectors, "someone.vec"), [1, 2, 3]);
        string descriptor = Path.Combine(vectors, "someone.model.json");
        await File.WriteAllTextAsync(descriptor, """{"kind":"embedded","model":"arctic-xs-int9","dimensions":384}""");

        var refused = await CliRunner.RunAsync("index", "--store", store, "--wait", "--progress", "none");

        refused.ExitCode.ShouldNotBe(0);
        refused.Stderr.ShouldContain(descriptor);
        refused.Stderr.ShouldContain("field 'model' is 'arctic-xs-int9'");
        refused.Stderr.ShouldContain("arctic-xs-int8");
        (await File.ReadAllTextAsync(descriptor)).ShouldContain("arctic-xs-int9", customMessage: "the descriptor is left as it was");
        // Nothing else was touched: without the foreign files the store answers from its log and lexical index.
        File.Delete(descriptor);
        File.Delete(Path.Combine(vectors, "someone.vec"));
        var lexical = await CliRunner.RunAsync("search", "ferry", "--store", store, "--json");
        lexical.ExitCode.ShouldBe(0, lexical.ToString());
        JsonDocument.Parse(lexical.Stdout).RootElement.GetProperty("hits")[0].GetProperty("id").GetString().ShouldBe("a");
    }

    private static JsonElement LastJson(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();

    [Fact]
    public async Task Jsonl_ingest_is_idempotent_and_search_json_has_the_documented_fields()
    {
        string store = _dir.File("s");
        string file = _dir.File("m.jsonl");
        await File.WriteAllTextAsync(file, """
            {"stream":"u1","id":"a","session":"s1","time":"2024-05-01T10:00:00Z","role":"user","speaker":"Ann","text":"I adopted a grey cat named Pixel"}
            {"stream":"u1","id":"b","session":"s1","time":"2024-05-01T10:01:00Z","role":"assistant","speaker":"Bot","text":"Pixel is a lovely name"}
            {"stream":"u2","id":"a","text":"unrelated stream about cats and dogs"}
            """);
        var first = await CliRunner.RunAsync("ingest", file, "--store", store, "--json", "--progress", "none");
        first.ExitCode.ShouldBe(0, first.ToString());
        JsonDocument.Parse(first.Stdout).RootElement.GetProperty("added").GetInt64().ShouldBe(3);
        var second = await CliRunner.RunAsync("ingest", file, "--store", store, "--json", "--progress", "none");
        using (var doc = JsonDocument.Parse(second.Stdout))
        {
            doc.RootElement.GetProperty("added").GetInt64().ShouldBe(0);
            doc.RootElement.GetProperty("duplicates").GetInt64().ShouldBe(3);
        }

        var s = await CliRunner.RunAsync("search", "grey cat", "--store", store, "--stream", "u1", "--top", "5", "--json");
        s.ExitCode.ShouldBe(0, s.ToString());
        using var result = JsonDocument.Parse(s.Stdout);
        var hits = result.RootElement.GetProperty("hits");
        // "a" matches; "b", the next turn of the same session, follows it by temporal contiguity; u2 is out of scope.
        hits.EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldBe(["a", "b"]);
        hits[0].GetProperty("score").GetDouble().ShouldBeGreaterThan(hits[1].GetProperty("score").GetDouble());
        var hit = hits[0];
        hit.GetProperty("stream").GetString().ShouldBe("u1");
        hit.GetProperty("id").GetString().ShouldBe("a");
        hit.GetProperty("seq").GetInt64().ShouldBeGreaterThan(0);
        hit.GetProperty("time").GetDateTimeOffset().ShouldBe(DateTimeOffset.Parse("2024-05-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        hit.GetProperty("speaker").GetString().ShouldBe("Ann");
        hit.GetProperty("score").GetDouble().ShouldBeGreaterThan(0);
        hit.GetProperty("text").GetString()!.ShouldContain("Pixel");

        var filtered = await CliRunner.RunAsync("search", "pixel", "--store", store, "--speaker", "Bot", "--json");
        JsonDocument.Parse(filtered.Stdout).RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldBe(["b"]);
    }

    [Fact]
    public async Task Stdin_ingest_with_default_stream_and_batch_search_over_locomo()
    {
        string store = _dir.File("s");
        var r = await CliRunner.RunWithInputAsync("{\"text\":\"from standard input about lighthouses\"}\n", "ingest", "-", "--store", store, "--stream", "piped", "--format", "jsonl", "--progress", "none", "--json");
        r.ExitCode.ShouldBe(0, r.ToString());
        JsonDocument.Parse(r.Stdout).RootElement.GetProperty("added").GetInt64().ShouldBe(1, r.ToString());
        var l = await CliRunner.RunAsync("ingest", LocomoDev, "--store", store, "--progress", "none", "--json");
        l.ExitCode.ShouldBe(0, l.ToString());
        JsonDocument.Parse(l.Stdout).RootElement.GetProperty("added").GetInt64().ShouldBe(36);

        string queries = _dir.File("q.jsonl");
        await File.WriteAllTextAsync(queries, """
            {"id":"q1","stream":"conv-a","query":"adoption agencies"}
            {"id":"q2","stream":"piped","query":"lighthouses"}
            """);
        var batch = await CliRunner.RunAsync("search", "--queries", queries, "--store", store, "--top", "3", "--json");
        batch.ExitCode.ShouldBe(0, batch.ToString());
        var lines = batch.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        using var q1 = JsonDocument.Parse(lines[0]);
        q1.RootElement.GetProperty("id").GetString().ShouldBe("q1");
        var h1 = q1.RootElement.GetProperty("hits");
        h1.GetArrayLength().ShouldBe(3);
        foreach (var h in h1.EnumerateArray())
        {
            h.GetProperty("stream").GetString().ShouldBe("conv-a");
            h.GetProperty("id").GetString()!.ShouldStartWith("D");
        }
        using var q2 = JsonDocument.Parse(lines[1]);
        q2.RootElement.GetProperty("hits").GetArrayLength().ShouldBe(1, batch.Stdout);
        q2.RootElement.GetProperty("hits")[0].GetProperty("stream").GetString().ShouldBe("piped");
    }

    [Fact]
    public async Task Context_never_exceeds_the_budget_and_is_deterministic()
    {
        string store = _dir.File("s");
        (await CliRunner.RunAsync("ingest", LocomoDev, "--store", store, "--progress", "none")).ExitCode.ShouldBe(0);
        var a = await CliRunner.RunAsync("context", "When did Ana run her first half marathon?", "--store", store, "--stream", "conv-a", "--budget", "300", "--json");
        a.ExitCode.ShouldBe(0, a.ToString());
        var b = await CliRunner.RunAsync("context", "When did Ana run her first half marathon?", "--store", store, "--stream", "conv-a", "--budget", "300", "--json");
        b.Stdout.ShouldBe(a.Stdout);
        using var doc = JsonDocument.Parse(a.Stdout);
        doc.RootElement.GetProperty("tokens").GetInt32().ShouldBeLessThanOrEqualTo(300);
        doc.RootElement.GetProperty("tokens").GetInt32().ShouldBeGreaterThan(100);
        var text = await CliRunner.RunAsync("context", "When did Ana run her first half marathon?", "--store", store, "--stream", "conv-a", "--budget", "300");
        text.Stdout.ShouldContain("[#");
        text.Stdout.ShouldContain("half marathon", Case.Insensitive);
    }

    [Fact]
    public async Task Forget_removes_entries_from_search_and_stats_and_reindex_rebuilds_the_same_results()
    {
        string store = _dir.File("s");
        string file = _dir.File("m.jsonl");
        await File.WriteAllTextAsync(file, """
            {"stream":"keep","id":"1","text":"the orchard grows quinces"}
            {"stream":"gone","id":"1","text":"secret orchard plans"}
            {"stream":"gone","id":"2","text":"more secret orchard plans"}
            """);
        (await CliRunner.RunAsync("ingest", file, "--store", store, "--progress", "none")).ExitCode.ShouldBe(0);
        var before = await CliRunner.RunAsync("search", "orchard", "--store", store, "--json");
        JsonDocument.Parse(before.Stdout).RootElement.GetProperty("hits").GetArrayLength().ShouldBe(3);

        var one = await CliRunner.RunAsync("forget", "--stream", "gone", "--id", "2", "--store", store, "--json");
        JsonDocument.Parse(one.Stdout).RootElement.GetProperty("forgotten").GetInt32().ShouldBe(1);
        var all = await CliRunner.RunAsync("forget", "--stream", "gone", "--store", store);
        all.ExitCode.ShouldBe(0, all.ToString());
        var after = await CliRunner.RunAsync("search", "orchard", "--store", store, "--json");
        var hits = JsonDocument.Parse(after.Stdout).RootElement.GetProperty("hits");
        hits.GetArrayLength().ShouldBe(1);
        hits[0].GetProperty("stream").GetString().ShouldBe("keep");

        var re = await CliRunner.RunAsync("reindex", "--store", store, "--progress", "plain");
        re.ExitCode.ShouldBe(0, re.ToString());
        var again = await CliRunner.RunAsync("search", "orchard", "--store", store, "--json");
        again.Stdout.ShouldBe(after.Stdout);
        foreach (var f in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories))
            System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(f)).ShouldNotContain("secret", customMessage: f);
    }
}
