using System.Text.Json;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary><c>infctx eval interference</c> and <c>infctx eval longmemeval</c> through the real binary, lexical only (no model download or embedding).</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string LongMemEvalSample => Path.Combine(AppContext.BaseDirectory, "fixtures", "longmemeval-sample.json");
    private static string LocomoSample => Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json");

    [Fact]
    public async Task Interference_prints_a_table_per_update_count_and_the_same_seed_scores_the_same()
    {
        var table = await CliRunner.RunAsync("eval", "interference", "--keys", "3", "--updates", "1,20", "--seed", "5", "--model", "none", "--progress", "plain");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("6 keys, 63 updates ingested");
        table.Stdout.ShouldContain("| updates per key | keys | latest first |");
        table.Stdout.ShouldContain("| 20 | 3 |");
        table.Stdout.ShouldContain("query p50");
        table.Stderr.ShouldContain("questions: 6 keys asked");

        static async Task<string> ScoresAsync(string seed)
        {
            var r = await CliRunner.RunAsync("eval", "interference", "--keys", "3", "--updates", "1,20", "--seed", seed, "--model", "none", "--progress", "none", "--json");
            r.ExitCode.ShouldBe(0, r.ToString());
            using var doc = JsonDocument.Parse(r.Stdout);
            doc.RootElement.GetProperty("entries").GetInt64().ShouldBe(63);
            var report = doc.RootElement.GetProperty("report");
            report.GetProperty("overall").GetProperty("keys").GetInt32().ShouldBe(6);
            return report.GetProperty("byUpdateCount").GetRawText();
        }
        (await ScoresAsync("5")).ShouldBe(await ScoresAsync("5"));
    }

    [Fact]
    public async Task Interference_keeps_the_store_it_was_given_and_two_processes_write_the_same_stream()
    {
        async Task<string> StreamAsync(string name)
        {
            string store = _dir.File(name);
            var r = await CliRunner.RunAsync("eval", "interference", "--keys", "2", "--updates", "1,6", "--seed", "9", "--model", "none", "--progress", "none", "--store", store);
            r.ExitCode.ShouldBe(0, r.ToString());
            var stats = await CliRunner.RunAsync("stats", "--store", store, "--json");
            stats.ExitCode.ShouldBe(0, stats.ToString());
            JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("entries").GetInt64().ShouldBe(14);
            // Every entry names its attribute, so this query reaches all of them; compare ids, times and texts.
            var s = await CliRunner.RunAsync("search", "code extension password spot engineer status room gate balance", "--store", store, "--top", "50", "--json");
            s.ExitCode.ShouldBe(0, s.ToString());
            var hits = JsonDocument.Parse(s.Stdout).RootElement.GetProperty("hits").EnumerateArray()
                .Select(h => $"{h.GetProperty("id").GetString()} {h.GetProperty("time").GetString()} {h.GetProperty("text").GetString()}").Order(StringComparer.Ordinal).ToList();
            hits.Count.ShouldBe(14);
            return string.Join('\n', hits);
        }
        (await StreamAsync("a")).ShouldBe(await StreamAsync("b"));
    }

    [Theory]
    [InlineData("--updates", "1,ten", "'ten'")]
    [InlineData("--updates", "0", "'0'")]
    [InlineData("--keys", "0", "--keys")]
    [InlineData("--keys", "100000", "more keys than")]
    public async Task Interference_refuses_bad_sizes(string option, string value, string message)
    {
        var r = await CliRunner.RunAsync("eval", "interference", option, value, "--model", "none", "--progress", "none");
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain(message);
        r.Stdout.ShouldBeEmpty();
    }

    [Fact]
    public async Task Locomo_prints_progress_on_stderr_and_a_row_per_category_and_overall()
    {
        var r = await CliRunner.RunAsync("eval", "locomo", LocomoSample, "--model", "none", "--progress", "plain");
        r.ExitCode.ShouldBe(0, r.ToString());
        r.Stderr.ShouldContain("ingest: 36 turns ingested");
        r.Stderr.ShouldContain("questions: 6 questions scored");
        r.Stdout.ShouldContain("| overall | 6 |");
        r.Stdout.ShouldContain("retrieval: lexical (BM25), with expansion");

        string dump = _dir.File("candidates.jsonl");
        var quiet = await CliRunner.RunAsync("eval", "locomo", LocomoSample, "--model", "none", "--progress", "none", "--json", "--dump-candidates", dump);
        quiet.ExitCode.ShouldBe(0, quiet.ToString());
        quiet.Stderr.ShouldBeEmpty();
        System.Text.Json.JsonDocument.Parse(quiet.Stdout).RootElement.GetProperty("report").GetProperty("overall").GetProperty("questions").GetInt32().ShouldBe(6);

        // The dump lists every turn once (what the simulator needs to re-rank: session, speaker, tokens), then ranks,
        // per question, the turns of its own conversation that BM25 matches, best first, with raw BM25 scores and
        // no cut at the usual top k (no model: no dense list).
        var all = File.ReadAllLines(dump).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var turns = all.Where(l => l.GetProperty("kind").GetString() == "turn").ToList();
        turns.Count.ShouldBe(36);
        var turnIds = turns.Select(t => (t.GetProperty("sample").GetString(), t.GetProperty("id").GetString())).ToHashSet();
        turnIds.Count.ShouldBe(36);
        turns.ShouldAllBe(t => t.GetProperty("tokens").GetInt32() > 0 && t.GetProperty("session").GetString()!.Length > 0);
        // Analyzed terms, so the simulator can re-score BM25 with other parameters.
        turns.ShouldAllBe(t => t.GetProperty("terms").GetArrayLength() > 0);
        var lines = all.Where(l => l.GetProperty("kind").GetString() == "question").ToList();
        lines.Count.ShouldBe(6);
        foreach (var line in lines)
        {
            string sample = line.GetProperty("sample").GetString()!;
            var hits = line.GetProperty("lexical").EnumerateArray().Select(h => (Id: h[0].GetString()!, Score: h[1].GetDouble())).ToList();
            hits.Count.ShouldBeInRange(1, sample == "conv-a" ? 33 : 3);
            hits.Select(h => h.Id).Distinct().Count().ShouldBe(hits.Count);
            hits.ShouldAllBe(h => turnIds.Contains(ValueTuple.Create<string?, string?>(sample, h.Id)));
            hits.Select(h => h.Score).ShouldBe(hits.Select(h => h.Score).OrderByDescending(x => x));
            hits.ShouldAllBe(h => h.Score > 0); // raw BM25, not z-scores shifted by a floor
            line.GetProperty("terms").GetArrayLength().ShouldBeGreaterThan(0);
            line.GetProperty("dense").GetArrayLength().ShouldBe(0);
            line.GetProperty("temporal").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Array);
        }
        lines.Max(l => l.GetProperty("lexical").GetArrayLength()).ShouldBeGreaterThan(10); // more than a top 10
    }

    [Fact]
    public async Task LongMemEval_prints_rows_per_type_overall_and_abstention_and_json_for_scripts()
    {
        var table = await CliRunner.RunAsync("eval", "longmemeval", LongMemEvalSample, "--model", "none", "--progress", "plain");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("longmemeval-sample.json: 5 questions, 33 turns ingested");
        foreach (string row in new[] { "| single-session-user | 1 |", "| multi-session | 1 |", "| knowledge-update | 1 |", "| overall | 3 |", "| abstention | 1 |" })
            table.Stdout.ShouldContain(row);
        table.Stdout.ShouldContain("1 questions without an answer session");
        table.Stderr.ShouldContain("questions: 5 questions");

        var json = await CliRunner.RunAsync("eval", "longmemeval", LongMemEvalSample, "--model", "none", "--progress", "none", "--json", "--limit", "2");
        json.ExitCode.ShouldBe(0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        doc.RootElement.GetProperty("questions").GetInt32().ShouldBe(2);
        var overall = doc.RootElement.GetProperty("report").GetProperty("overall");
        overall.GetProperty("questions").GetInt32().ShouldBe(2);
        overall.GetProperty("sessionHit").GetArrayLength().ShouldBe(3);
        overall.GetProperty("turnRecall").GetArrayLength().ShouldBe(4);
        // The sister question's only evidence turn is the only one about a sister moving: found first by BM25.
        doc.RootElement.GetProperty("report").GetProperty("types").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "single-session-user").GetProperty("turnRecall")[0].GetDouble().ShouldBe(1.0);
    }

    [Fact]
    public async Task LongMemEval_bad_input_names_the_file_instance_and_field()
    {
        string missing = _dir.Write("missing.json", """
            [{"question_id": "q1", "question_type": "x", "question": "q", "haystack_session_ids": ["s"],
              "haystack_dates": ["2023/05/20 (Sat) 02:21"], "haystack_sessions": [[{"role": "user", "content": "hi"}]]}]
            """);
        var r = await CliRunner.RunAsync("eval", "longmemeval", missing, "--model", "none", "--progress", "none");
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain("missing.json:1: instance 0 (q1): missing field 'answer_session_ids'");
        r.Stdout.ShouldBeEmpty();

        string broken = _dir.Write("broken.json", "[{\"question_id\": \"q1\",\n oops }]");
        var b = await CliRunner.RunAsync("eval", "longmemeval", broken, "--model", "none", "--progress", "none");
        b.ExitCode.ShouldBe(2, b.ToString());
        b.Stderr.ShouldContain("broken.json:2");

        var absent = await CliRunner.RunAsync("eval", "longmemeval", _dir.File("absent.json"), "--model", "none");
        absent.ExitCode.ShouldBe(2, absent.ToString());
        absent.Stderr.ShouldContain("absent.json");
    }
}
