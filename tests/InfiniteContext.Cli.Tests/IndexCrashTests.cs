using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InfiniteContext.Cli.Tests.Support;
using Xunit.Abstractions;

namespace InfiniteContext.Cli.Tests;

/// <summary>
/// Vectors under a real crash: a child <c>infctx index</c> (the embedded MiniLM model) is SIGKILLed twice while it
/// appends vectors; every vector persisted before a kill must survive it, and the run that finally completes must
/// embed exactly the entries still missing: nothing lost, nothing computed twice.
/// </summary>
public sealed class IndexCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 3000;
    private const int HeaderBytes = 128;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void WriteInput(string path)
    {
        var rng = new Random(17);
        string[] filler = ["river", "garden", "window", "market", "yellow", "travel", "kitchen", "morning", "letter", "silver", "planet", "music"];
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        for (int k = 0; k < Count; k++)
        {
            // Short texts keep the model fast; "entry k" and the marker keep every text unique.
            var words = string.Join(' ', Enumerable.Range(0, 6).Select(_ => filler[rng.Next(filler.Length)]));
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{{\"stream\":\"vec\",\"text\":\"entry {k} {CrashSafetyTests.Marker(k)} {words}\"}}\n"));
        }
    }

    private sealed record Stats(long Entries, long Vectors, long Pending);

    private static async Task<Stats> StatsAsync(string store)
    {
        var r = await CliRunner.RunAsync("stats", "--store", store, "--json");
        r.ExitCode.ShouldBe(0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        return new Stats(root.GetProperty("entries").GetInt64(),
            root.TryGetProperty("vectors", out var v) ? v.GetInt64() : -1,
            root.TryGetProperty("vectorsPending", out var p) ? p.GetInt64() : -1);
    }

    private static long Length(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    [Fact]
    public async Task Killed_index_runs_lose_no_vector_and_the_completing_run_embeds_exactly_the_missing_ones()
    {
        string input = _dir.File("in.jsonl");
        WriteInput(input);
        string store = _dir.File("store");
        var ingest = await CliRunner.RunAsync("ingest", input, "--store", store, "--progress", "none");
        ingest.ExitCode.ShouldBe(0, ingest.ToString());
        (await StatsAsync(store)).Entries.ShouldBe(Count);

        string vectorFile = Path.Combine(store, "index", "vectors", "all-MiniLM-L6-v2.vec");
        var rng = new Random(20240607);
        long persisted = 0;
        var notes = new List<string>();
        for (int round = 1; round <= 2; round++)
        {
            // Wait for this run's own first batch: past the header on the first run, past what is there on the next.
            long startLength = Math.Max(Length(vectorFile), HeaderBytes);
            using var child = Process.Start(CliRunner.StartInfo(["index", "--store", store, "--model", "minilm", "--json"]))!;
            try
            {
                child.StandardInput.Close();
                var stdout = child.StandardOutput.ReadToEndAsync();
                var stderr = child.StandardError.ReadToEndAsync();
                var clock = Stopwatch.StartNew();
                while (Length(vectorFile) <= startLength)
                {
                    if (child.HasExited) throw new InvalidOperationException($"round {round}: infctx index exited ({child.ExitCode}) before writing a vector: {await stderr}");
                    clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"round {round}: no vector written");
                    await Task.Delay(10);
                }
                await Task.Delay(rng.Next(0, 1200)); // anywhere: mid-embedding, mid-append, mid-fsync
                child.HasExited.ShouldBeFalse($"round {round}: the run finished before the kill, the crash was not exercised");
                child.Kill(entireProcessTree: true); // SIGKILL: no cleanup, possibly a torn record
                await child.WaitForExitAsync();
                (await stdout).ShouldBeEmpty($"round {round}: a killed run never reports");
            }
            finally
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }

            long length = Length(vectorFile);
            var stats = await StatsAsync(store);
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"round {round}: {stats.Vectors} vectors, file {length} bytes ({(length - HeaderBytes) % (24 + 384)} torn bytes)"));
            stats.Vectors.ShouldBeGreaterThan(persisted, $"round {round}: the killed run persisted its first batch ({string.Join("; ", notes)})");
            stats.Vectors.ShouldBeLessThan(Count, $"round {round}: killed before the end");
            (stats.Vectors + stats.Pending).ShouldBe(Count, "every entry is either covered or pending");
            persisted = stats.Vectors;
        }

        foreach (var note in notes) output.WriteLine(note);
        var final = await CliRunner.RunAsync("index", "--store", store, "--model", "minilm", "--wait", "--json");
        output.WriteLine(final.Stdout.Trim());
        final.ExitCode.ShouldBe(0, final.ToString());
        using (var doc = JsonDocument.Parse(final.Stdout.Trim().Split('\n')[^1]))
        {
            var r = doc.RootElement;
            r.GetProperty("model").GetString().ShouldBe("all-MiniLM-L6-v2");
            r.GetProperty("added").GetInt64().ShouldBe(Count - persisted, $"the vectors persisted before the kills are reused, the rest computed once ({string.Join("; ", notes)})");
            r.GetProperty("vectors").GetInt64().ShouldBe(Count);
            r.GetProperty("pending").GetInt64().ShouldBe(0);
        }

        var after = await StatsAsync(store);
        after.ShouldBe(new Stats(Count, Count, 0));
        // Fixed-size records (seq 8 + stream 4 + scale 4 + 384 code bytes + checksum 8): no torn tail, no duplicate left behind.
        Length(vectorFile).ShouldBe(HeaderBytes + Count * (24L + 384));

        var again = await CliRunner.RunAsync("index", "--store", store, "--model", "minilm", "--json");
        again.ExitCode.ShouldBe(0, again.ToString());
        using (var doc = JsonDocument.Parse(again.Stdout.Trim().Split('\n')[^1]))
            doc.RootElement.GetProperty("added").GetInt64().ShouldBe(0);
    }
}
