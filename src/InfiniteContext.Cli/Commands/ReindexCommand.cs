using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli.Commands;

internal static class ReindexCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var progress = CommonOptions.Progress();
        var cmd = new Command("reindex", "Rebuild every derived index from the log.") { store, progress };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            await using var memory = await MemoryStore.OpenAsync(CommonOptions.RequireStore(result, store), new MemoryStoreOptions { CreateIfMissing = false }, ct);
            long total = (await memory.GetStatsAsync(ct)).Entries;
            var display = new ProgressDisplay(result.GetValue(progress), "reindex", TimeSpan.FromSeconds(1));
            await display.RunAsync(async report =>
            {
                await memory.ReindexAsync(new Progress<long>(n => report(n, total, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{total:N0} entries"))), ct);
                return 0;
            });
            display.Done(string.Create(CultureInfo.InvariantCulture, $"{total:N0} entries reindexed"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
