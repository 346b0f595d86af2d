using System.CommandLine;
using InfiniteContext.Cli.Commands;

namespace InfiniteContext.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var root = new RootCommand("infctx: durable, unbounded memory for LLMs and agents, with budgeted, cited context.")
        {
            IngestCommand.Create(),
            SearchCommand.Create(),
            ContextCommand.Create(),
            StatsCommand.Create(),
            ReindexCommand.Create(),
            IndexCommand.Create(),
            ForgetCommand.Create(),
            DemoCommand.Create(),
            EvalCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"infctx: error: {error.Message}");
            return ExitCodes.BadInput;
        }
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return await parsed.InvokeAsync(new InvocationConfiguration(), cts.Token);
    }
}
