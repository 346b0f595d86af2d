using BenchmarkDotNet.Running;

namespace InfiniteContext.Benchmarks;

public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ann-sweep")
        {
            await AnnSweep.RunAsync(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "first-pass-sweep")
        {
            await FirstPassSweep.RunAsync(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "search-under-append")
        {
            SearchUnderAppend.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "query-path")
        {
            await QueryPath.RunAsync(args[1..]);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
