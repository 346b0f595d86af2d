using System.CommandLine;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli.Commands;

internal static class ForgetCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var stream = new Option<string>("--stream") { Description = "The stream to forget (all of it, unless --id is given).", Required = true };
        var id = new Option<string?>("--id") { Description = "Forget only the entry with this external id." };
        var json = CommonOptions.Json();
        var cmd = new Command("forget", "Delete a stream or one entry: its text, index postings and every derived trace.") { store, stream, id, json };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            await using var memory = await MemoryStore.OpenAsync(CommonOptions.RequireStore(result, store), new MemoryStoreOptions { CreateIfMissing = false }, ct);
            var seqs = await memory.ForgetAsync(result.GetValue(stream)!, result.GetValue(id), ct);
            if (result.GetValue(json)) JsonOutput.WriteLine(new { forgotten = seqs.Count, seqs });
            else Console.Out.WriteLine(seqs.Count == 0 ? "nothing matched; nothing forgotten" : $"forgot {seqs.Count} entries");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
