using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx index</c>: compute the dense vectors the store is missing (the background indexer's work, on demand).</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var model = Models.ModelOption(storeDecides: true);
        var endpoint = new EndpointSettings.Options();
        var wait = new Option<bool>("--wait") { Description = "Return only when every entry has its vector (the default; kept for scripts that say it)." };
        var progress = CommonOptions.Progress();
        var json = CommonOptions.Json();
        var cmd = new Command("index", "Embed every entry that has no vector yet, with an embedded model or an OpenAI-compatible endpoint.") { store, model, wait, progress, json };
        endpoint.AddTo(cmd);
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            string dir = CommonOptions.RequireStore(result, store);
            var settings = endpoint.Read(result);
            var chosen = Models.Choose(result.GetValue(model), settings, dir) ?? throw new CliUsageException("--model none has nothing to index.");
            using var generator = Models.CreateGenerator(chosen, settings);
            await using var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions { CreateIfMissing = false, Embeddings = generator, BackgroundVectorIndexing = false }, ct);
            // Before any vector is added: a run cut short still leaves a store whose reads know the model.
            Models.Remember(memory.Directory, chosen, generator);
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
