using System.Text.Json.Nodes;
using System.Xml.Linq;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary><c>infctx eval niah</c> end to end on a small haystack: JSON, heatmap, determinism, bad arguments.</summary>
public sealed class EvalNiahTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] SmallRun = ["eval", "niah", "--sizes", "20K", "--depths", "0,50,100", "--variant", "single,near-miss", "--needles", "2", "--seed", "5", "--progress", "plain"];

    /// <summary>The document without what may differ between runs with one seed: timings and file paths.</summary>
    private static string Deterministic(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("files");
        foreach (var size in node["sizes"]!.AsArray()) size!.AsObject().Remove("timings");
        return node.ToJsonString();
    }

    [Fact]
    public async Task A_small_run_writes_json_and_a_heatmap_with_one_cell_per_size_and_depth_and_repeats_exactly_for_its_seed()
    {
        string out1 = _dir.File("out1"), out2 = _dir.File("out2");
        var r = await CliRunner.RunAsync([.. SmallRun, "--out", out1, "--json"]);
        r.ExitCode.ShouldBe(0, r.ToString());
        r.Stderr.ShouldContain("niah 20K");
        // A PNG beside the SVG: scripts/test.sh installs Chromium, the renderer this machine kind offers.
        string png = Path.Combine(out1, "niah.png");
        File.Exists(png).ShouldBeTrue($"no PNG (is chromium on PATH? scripts/test.sh installs it): {r.Stderr}");
        File.ReadAllBytes(png).Take(8).ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });

        var doc = JsonNode.Parse(r.Stdout)!;
        File.ReadAllText(Path.Combine(out1, "niah.json")).ShouldContain("\"benchmark\": \"niah\"");
        doc["variants"]!.AsArray().Select(v => (string)v!).ShouldBe(["single", "near-miss"]);
        var cells = doc["cells"]!.AsArray();
        cells.Count.ShouldBe(2 * 3);
        cells.ShouldAllBe(c => (int)c!["probes"]! == 2);
        var size = doc["sizes"]![0]!;
        ((long)size["haystackTokens"]!).ShouldBeInRange(20_000, 20_400);
        ((long)size["needleEntries"]!).ShouldBe(3 * 2 * 2 + 3 * 2 * 2); // needles plus two distractors per near-miss needle
        ((double)size["timings"]!["queryP50Ms"]!).ShouldBeGreaterThan(0);

        var svg = XDocument.Load(Path.Combine(out1, "niah.svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var rects = svg.Descendants(ns + "rect").Where(e => (string?)e.Attribute("class") == "cell").ToList();
        rects.Count.ShouldBe(2 * 1 * 3);
        rects.Select(e => ((string)e.Attribute("data-variant")!, (string)e.Attribute("data-depth")!)).Distinct().Count().ShouldBe(6);
        rects.ShouldAllBe(e => (string)e.Attribute("data-size")! == "20K");

        var again = await CliRunner.RunAsync([.. SmallRun, "--out", out2, "--json"]);
        again.ExitCode.ShouldBe(0, again.ToString());
        Deterministic(again.Stdout).ShouldBe(Deterministic(r.Stdout));
        var other = await CliRunner.RunAsync([.. SmallRun[..^4], "--seed", "6", "--progress", "none", "--out", out2, "--json"]);
        Deterministic(other.Stdout).ShouldNotBe(Deterministic(r.Stdout));
    }

    [Fact]
    public async Task Without_json_it_prints_a_table_per_variant_and_keeps_the_stores_it_was_given()
    {
        string stores = _dir.File("stores");
        var r = await CliRunner.RunAsync("eval", "niah", "--sizes", "10K", "--depths", "50", "--variant", "multi", "--needles", "1", "--store", stores, "--out", _dir.File("o"));
        r.ExitCode.ShouldBe(0, r.ToString());
        r.Stdout.ShouldContain("multi: rank 1 (top 10) per depth and size");
        r.Stdout.ShouldContain("| 50% |");
        r.Stdout.ShouldContain("niah.svg");
        File.Exists(Path.Combine(stores, "niah-10K", "log.db")).ShouldBeTrue();

        var reuse = await CliRunner.RunAsync("eval", "niah", "--sizes", "10K", "--depths", "50", "--store", stores, "--out", _dir.File("o"));
        reuse.ExitCode.ShouldBe(2);
        reuse.Stderr.ShouldContain("niah-10K");
        reuse.Stderr.ShouldContain("not empty");
    }

    [Fact]
    public async Task A_kept_store_embedded_by_the_eval_names_its_model_for_stats_and_search()
    {
        string stores = _dir.File("stores");
        var r = await CliRunner.RunAsync("eval", "niah", "--sizes", "10K", "--depths", "50", "--variant", "single", "--needles", "1",
            "--model", "arctic-xs-int8", "--store", stores, "--out", _dir.File("o"), "--progress", "none");
        r.ExitCode.ShouldBe(0, r.ToString());
        string store = Path.Combine(stores, "niah-10K");
        var stats = await CliRunner.RunAsync("stats", "--store", store, "--json");
        stats.ExitCode.ShouldBe(0, stats.ToString());
        var json = JsonNode.Parse(stats.Stdout)!;
        ((string?)json["vectorModel"]).ShouldBe("snowflake-arctic-embed-xs-int8");
        ((long)json["vectors"]!).ShouldBe((long)json["entries"]!);
        var search = await CliRunner.RunAsync("search", "anything at all", "--store", store, "--retrieval", "dense", "--top", "1", "--json");
        search.ExitCode.ShouldBe(0, search.ToString());
    }

    private static async Task<long> EntriesAsync(string store)
    {
        var stats = await CliRunner.RunAsync("stats", "--store", store, "--json");
        stats.ExitCode.ShouldBe(0, stats.ToString());
        return (long)JsonNode.Parse(stats.Stdout)!["entries"]!;
    }

    [Fact]
    public async Task Reuse_asks_a_kept_haystack_again_and_refuses_a_store_that_holds_another()
    {
        string stores = _dir.File("kept");
        string[] run = ["eval", "niah", "--sizes", "10K", "--depths", "0,100", "--variant", "single,multi", "--needles", "1", "--seed", "3", "--store", stores, "--json"];
        var built = await CliRunner.RunAsync([.. run, "--out", _dir.File("o1")]);
        built.ExitCode.ShouldBe(0, built.ToString());
        long entries = await EntriesAsync(Path.Combine(stores, "niah-10K"));
        entries.ShouldBeGreaterThan(0);

        var again = await CliRunner.RunAsync([.. run, "--reuse", "--out", _dir.File("o2")]);
        again.ExitCode.ShouldBe(0, again.ToString());
        Deterministic(again.Stdout).ShouldBe(Deterministic(built.Stdout)); // the same scores, entries and tokens
        var timings = JsonNode.Parse(again.Stdout)!["sizes"]![0]!["timings"]!;
        ((double)timings["reusedStoreCheckSeconds"]!).ShouldBeGreaterThanOrEqualTo(0);
        ((double)timings["generateAndIngestSeconds"]!).ShouldBe(0);
        (await EntriesAsync(Path.Combine(stores, "niah-10K"))).ShouldBe(entries); // nothing was added

        // Another seed generates another haystack: the kept one is refused, by entry, and left as it was.
        var other = await CliRunner.RunAsync([.. run[..^5], "--seed", "4", "--store", stores, "--reuse", "--out", _dir.File("o3")]);
        other.ExitCode.ShouldBe(2, other.ToString());
        other.Stderr.ShouldContain("is not entry");
        other.Stderr.ShouldContain("Rebuild it");
        (await EntriesAsync(Path.Combine(stores, "niah-10K"))).ShouldBe(entries);

        var noStore = await CliRunner.RunAsync("eval", "niah", "--sizes", "10K", "--reuse", "--out", _dir.File("o4"));
        noStore.ExitCode.ShouldBe(2);
        noStore.Stderr.ShouldContain("--store");
        var empty = await CliRunner.RunAsync("eval", "niah", "--sizes", "20K", "--reuse", "--store", stores, "--out", _dir.File("o5"));
        empty.ExitCode.ShouldBe(2);
        empty.Stderr.ShouldContain("niah-20K");
    }

    [Theory]
    [InlineData("--sizes", "12", "--sizes")]
    [InlineData("--sizes", "1X", "--sizes")]
    [InlineData("--depths", "0,150", "--depths")]
    [InlineData("--variant", "haystack", "--variant")]
    [InlineData("--model", "gpt", "--model")]
    [InlineData("--needles", "0", "at least 1")]
    public async Task Bad_arguments_name_the_option_and_exit_2(string option, string value, string expected)
    {
        var r = await CliRunner.RunAsync("eval", "niah", option, value, "--out", _dir.File("bad"));
        r.ExitCode.ShouldBe(2, r.ToString());
        r.Stderr.ShouldContain(expected);
        Directory.Exists(_dir.File("bad")).ShouldBeFalse();
    }
}
