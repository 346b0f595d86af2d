using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;
using InfiniteContext.Embeddings;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx index</c>: compute the dense vectors the store is missing (the background indexer's work, on demand).</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var model = Models.ModelOption();
        var wait = new Option<bool>("--wait") { Description = "Return only when every entry has its vector (the default; kept for scripts that say it)." };
        var progress = new Option<ProgressMode>("--progress") { Description = "auto, bar, plain or none.", DefaultValueFactory = _ => ProgressMode.Auto };
        var json = CommonOptions.Json();
        var cmd = new Command("index", "Embed every entry that has no vector yet, with the embedded model.") { store, model, wait, progress, json };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var chosen = Models.Parse(result.GetValue(model)) ?? throw new CliUsageException("--model none has nothing to index.");
            string dir = CommonOptions.RequireStore(result, store);
            using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = chosen });
            await using var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions { CreateIfMissing = false, Embeddings = generator, BackgroundVectorIndexing = false }, ct);
            var before = await memory.GetStatsAsync(ct);
            long pending = before.VectorsPending;
            var display = new ProgressDisplay(result.GetValue(progress), "index", TimeSpan.FromSeconds(1));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long added = await display.RunAsync(report => memory.IndexVectorsAsync(
                new Progress<long>(n => report(n, pending, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{pending:N0} entries embedded"))), ct));
            double seconds = clock.Elapsed.TotalSeconds;
            var after = await memory.GetStatsAsync(ct);
            display.Done(string.Create(CultureInfo.InvariantCulture, $"{added:N0} vectors added ({after.Vectors:N0} in all, {after.VectorsPending:N0} pending), {added / Math.Max(seconds, 1e-3):N1} entries/s"));
            if (result.GetValue(json))
                JsonOutput.WriteLine(new { model = after.VectorModel, added, vectors = after.Vectors, pending = after.VectorsPending, seconds = Math.Round(seconds, 3) });
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
