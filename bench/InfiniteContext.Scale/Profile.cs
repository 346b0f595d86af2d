using System.Diagnostics;
using InfiniteContext.Indexing;
using InfiniteContext.Ingest;
using InfiniteContext.Storage;
using InfiniteContext.Text;

namespace InfiniteContext.Scale;

/// <summary>
/// Where ingest time goes: each stage of the pipeline alone over the same corpus, on one thread, so the
/// stages' costs add up to the core-seconds a full ingest needs. Prints wall and CPU seconds per stage.
/// </summary>
internal static class Profile
{
    public static async Task RunAsync(string corpus, string work)
    {
        var tokenizer = TiktokenCounter.Get("o200k_base");
        var sources = new IngestSources(tokenizer);
        var entries = new List<NewEntry>();
        await Stage("parse jsonl", async () =>
        {
            await foreach (var item in sources.ReadAsync(corpus, IngestFormat.Jsonl, new IngestReaderOptions())) entries.Add(item.Entry!);
            return $"{entries.Count:N0} entries";
        });
        var tokens = new int[entries.Count];
        await Stage("o200k count (cold chunk cache)", () => Count(entries, tokens, tokenizer));
        await Stage("o200k count (warm chunk cache)", () => Count(entries, tokens, tokenizer));
        var analyzer = new EnglishAnalyzer();
        string dir = Path.Combine(work, "profile-store");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        using var index = SegmentedLexicalIndex.Open(Path.Combine(dir, "lexical"), analyzer);
        var analyzed = new AnalyzedText[entries.Count];
        await Stage("analyze (to term ids)", () =>
        {
            long terms = 0;
            var table = index.IngestTerms; // as ingest analyzes: into the index's term table
            for (int i = 0; i < entries.Count; i++)
            {
                analyzed[i] = AnalyzedText.OfRetrievalText(entries[i].Speaker, entries[i].Text, analyzer, table);
                terms += analyzed[i].Count;
            }
            return Task.FromResult($"{terms:N0} terms");
        });

        var stored = new List<Entry>(entries.Count);
        await using (var log = await SqliteLogStore.OpenAsync(Path.Combine(dir, "log.db"), readOnly: false))
        {
            await Stage("log append (2,048 per commit)", async () =>
            {
                for (int start = 0; start < entries.Count; start += 2048)
                {
                    var batch = new List<PreparedEntry>(2048);
                    for (int i = start; i < Math.Min(entries.Count, start + 2048); i++) batch.Add(new PreparedEntry(entries[i], tokens[i]));
                    var result = await log.AppendAsync(batch);
                    foreach (var e in result.Appended) if (e is not null) stored.Add(e);
                }
                return $"{stored.Count:N0} rows";
            });
        }
        await Stage("index add (pre-analyzed) + flush", () =>
        {
            var streamIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var docs = new List<IndexedDoc>(2048);
            for (int i = 0; i < stored.Count; i++)
            {
                var e = stored[i];
                if (!streamIds.TryGetValue(e.Stream, out int sid)) streamIds[e.Stream] = sid = streamIds.Count;
                docs.Add(new IndexedDoc(e.Seq, sid, e.Text, e.Time?.ToUnixTimeMilliseconds() ?? IndexedDoc.NoTime, e.Role, e.Speaker, e.Session) { Analyzed = analyzed[i] });
                if (docs.Count == 2048) { index.Add(docs); docs.Clear(); }
            }
            index.Add(docs);
            index.Flush();
            return Task.FromResult("");
        });
    }

    private static Task<string> Count(List<NewEntry> entries, int[] tokens, ITokenCounter tokenizer)
    {
        long total = 0;
        for (int i = 0; i < entries.Count; i++) total += tokens[i] = tokenizer.CountTokens(entries[i].Text);
        return Task.FromResult($"{total:N0} tokens");
    }

    private static async Task Stage(string name, Func<Task<string>> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        string what = await run();
        double wall = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"{name,-34} {wall,6:0.00}s wall {cpuSeconds,6:0.00}s cpu  {what}");
    }
}
