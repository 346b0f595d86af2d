using System.CommandLine;
using InfiniteContext.Cli.Output;
using InfiniteContext.Context;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx context</c>: the budgeted, cited context for one stream, as prompt text or JSON.</summary>
internal static class ContextCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "What the context is for (default: the stream's latest messages).", Arity = ArgumentArity.ZeroOrOne };
        var store = CommonOptions.Store();
        var stream = new Option<string>("--stream") { Description = "The stream to assemble from.", Required = true };
        var budget = new Option<int>("--budget") { Description = "Token budget; the rendered context never exceeds it.", Required = true };
        var json = CommonOptions.Json();
        var cmd = new Command("context", "Assemble pinned instructions, cited evidence and the recent window within a token budget.")
        {
            query, store, stream, budget, json,
        };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            int b = result.GetValue(budget);
            if (b <= 0) throw new CliUsageException("--budget must be at least 1.");
            string dir = CommonOptions.RequireStore(result, store);
            await using var memory = await MemoryStore.OpenAsync(dir, Models.ForRead(dir, null), ct);
            var context = await memory.AssembleContextAsync(new ContextRequest { Stream = result.GetValue(stream)!, Query = result.GetValue(query), Budget = b }, ct);
            if (result.GetValue(json)) Console.Out.WriteLine(ContextJson.Render(context));
            else Console.Out.Write(context.Text);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
