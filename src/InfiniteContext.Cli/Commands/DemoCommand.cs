using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;
using InfiniteContext.Context;
using InfiniteContext.Embeddings;
using InfiniteContext.Ingest;

namespace InfiniteContext.Cli.Commands;

/// <summary>
/// <c>infctx demo</c>: the README's first command. Builds a store from the small corpus shipped in
/// samples/demo, then shows retrieval with citations and an assembled context, so a new user sees the
/// whole loop (ingest, search, context) in one run with no setup.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var store = new Option<string?>("--store") { Description = "Where to build the demo store (default: a fresh temporary directory)." };
        var budget = new Option<int>("--budget") { Description = "Token budget of the demo context.", DefaultValueFactory = _ => 400 };
        var cmd = new Command("demo", "Build a store from the bundled sample corpus and show search and context assembly.") { store, budget };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            string corpus = Path.Combine(AppContext.BaseDirectory, "samples", "demo");
            if (!Directory.Exists(corpus)) throw new DirectoryNotFoundException($"Demo corpus not found at '{corpus}'.");
            string dir = result.GetValue(store) ?? Path.Combine(Path.GetTempPath(), "infctx-demo-" + Guid.NewGuid().ToString("N")[..8]);
            Console.Out.WriteLine($"Building a store at {dir} from {corpus}");

            // The embedded defaults: SQLite, o200k, and the offline arctic-embed-xs model for the dense channel.
            using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = EmbeddedModel.ArcticXsInt8 });
            await using var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions { Embeddings = generator, BackgroundVectorIndexing = false }, ct);
            var readerOptions = new IngestReaderOptions { DefaultStream = "notes", MaxChunkTokens = 96 };
            foreach (var file in new[] { "conversation.jsonl", "notes.md" })
            {
                var source = new InputSource(Path.Combine(corpus, file));
                var r = await memory.IngestAsync(source.ReadAsync(IngestFormat.Auto, readerOptions, memory.TokenCounter, ct), new IngestOptions(), ct);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ingested {file}: {r.Added} new entries, {r.Duplicates} already present, {r.Tokens:N0} tokens"));
            }
            long embedded = await memory.IndexVectorsAsync(null, ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  embedded {embedded} entries with {generator.Metadata.DefaultModelId} (infctx index)"));
            var stats = await memory.GetStatsAsync(ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  store: {stats.Entries} entries in {stats.Streams} streams, {stats.Tokens:N0} tokens ({stats.Tokenizer})"));

            foreach (var (q, streamName) in new[] { ("What is the trip budget?", "maya"), ("How much money can we spend on the journey?", "maya"), ("peanut allergy food", "maya"), ("daily distance for new riders", (string?)null) })
            {
                Console.Out.WriteLine();
                Console.Out.WriteLine($"$ infctx search \"{q}\"{(streamName is null ? "" : $" --stream {streamName}")} --top 3");
                var hits = await memory.SearchAsync(q, streamName is null ? SearchFilter.All : SearchFilter.ForStream(streamName), 3, ct);
                foreach (var h in hits)
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{h.Score,8:0.000}  confidence {h.Confidence ?? 0:0.00}  {Citation.Of(h.Entry)} {SearchCommand.OneLine(h.Entry.Text, 140)}"));
            }

            int b = result.GetValue(budget);
            const string contextQuery = "Which cities are on the route now, and what is the budget?";
            Console.Out.WriteLine();
            Console.Out.WriteLine($"$ infctx context \"{contextQuery}\" --stream maya --budget {b}");
            var context = await memory.AssembleContextAsync(new ContextRequest { Stream = "maya", Query = contextQuery, Budget = b }, ct);
            Console.Out.Write(context.Text);
            Console.Out.WriteLine();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({context.Tokens} of {b} tokens; every line cites its entry as [#seq stream id time speaker])"));
            Console.Out.WriteLine();
            Console.Out.WriteLine($"Try it yourself: infctx search \"ferry\" --store {dir}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
