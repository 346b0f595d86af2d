using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary>
/// Invariant 1 under a real crash: a child infctx ingesting a large file is SIGKILLed at a random moment;
/// the reopened store must hold every acknowledged entry exactly once, hold only a prefix of the input
/// (batches are atomic), and its index must agree with its log.
/// </summary>
public sealed partial class CrashSafetyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An alphabetic, vowel-free word per k: the analyzer keeps it whole and no stemming rule applies.</summary>
    internal static string Marker(int k)
    {
        const string letters = "bcdfghjkmnpqrtvwxz";
        var sb = new StringBuilder("zq");
        do { sb.Append(letters[k % letters.Length]); k /= letters.Length; } while (k > 0);
        return sb.ToString();
    }

    private static void WriteInput(string path, int count)
    {
        var rng = new Random(7);
        string[] filler = ["river", "garden", "window", "market", "yellow", "travel", "kitchen", "morning", "letter", "silver", "planet", "music"];
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        for (int k = 0; k < count; k++)
        {
            var words = string.Join(' ', Enumerable.Range(0, 24).Select(_ => filler[rng.Next(filler.Length)]));
            // No "id": exactly-once must come from the store's atomic batches, not from id de-duplication.
            w.Write("{\"stream\":\"crash\",\"text\":\"entry ");
            w.Write(k.ToString(CultureInfo.InvariantCulture));
            w.Write(' ');
            w.Write(Marker(k));
            w.Write(' ');
            w.Write(words);
            w.Write("\"}\n");
        }
    }

    [GeneratedRegex(@"ingest: .*?([\d,]+) entries stored")]
    private static partial Regex AckLine();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killed_ingest_keeps_every_acknowledged_entry_exactly_once_and_the_index_agrees(int seed)
    {
        const int count = 150_000;
        string input = _dir.File("big.jsonl");
        WriteInput(input, count);
        string store = _dir.File("store");
        var rng = new Random(seed);

        long acknowledged = 0;
        var psi = CliRunner.StartInfo(["ingest", input, "--store", store, "--progress", "plain", "--progress-every", "0"]);
        using (var child = Process.Start(psi)!)
        {
            child.StandardInput.Close();
            _ = child.StandardOutput.ReadToEndAsync();
            int killAfterAcks = rng.Next(1, 12);
            int acks = 0;
            while (await child.StandardError.ReadLineAsync() is { } line)
            {
                var m = AckLine().Match(line);
                if (!m.Success) continue;
                acknowledged = long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                if (++acks >= killAfterAcks)
                {
                    // A random extra delay lands the kill anywhere: mid-batch, mid-commit, mid-index-flush.
                    await Task.Delay(rng.Next(0, 40));
                    child.Kill(entireProcessTree: true); // SIGKILL on Unix: no cleanup runs
                    break;
                }
            }
            await child.WaitForExitAsync();
        }
        acknowledged.ShouldBeGreaterThan(0);

        await using var memory = await MemoryStore.OpenAsync(store);
        var seen = new HashSet<int>();
        int stored = 0;
        await foreach (var e in memory.Log.ReadAfterAsync(0))
        {
            int k = int.Parse(e.Text.Split(' ')[1], CultureInfo.InvariantCulture);
            seen.Add(k).ShouldBeTrue($"entry {k} is stored twice");
            stored++;
        }
        stored.ShouldBeGreaterThanOrEqualTo((int)acknowledged, "an acknowledged entry was lost");
        for (int k = 0; k < stored; k++) seen.ShouldContain(k, "the stored entries are not a prefix of the input: a batch was half-written");

        var stats = await memory.GetStatsAsync();
        stats.Entries.ShouldBe(stored);
        stats.LexicalCoveredSeq.ShouldBe(stats.LastSeq);

        // Search agrees with the log: stored entries are found by their unique word, unstored ones are not.
        foreach (int k in Enumerable.Range(0, 40).Select(_ => rng.Next(stored)).Append(0).Append(stored - 1))
        {
            var hits = await memory.SearchAsync(Marker(k), SearchFilter.ForStream("crash"), 3);
            hits.Count.ShouldBe(1, $"entry {k}");
            hits[0].Entry.Text.ShouldStartWith($"entry {k} ");
        }
        if (stored < count)
            (await memory.SearchAsync(Marker(count - 1), SearchFilter.ForStream("crash"), 3)).ShouldBeEmpty();
    }
}
