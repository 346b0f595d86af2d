using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli.Commands;

internal static class StatsCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("stats", "Show what the store holds and how far its indexes have caught up.") { store, json };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            string dir = CommonOptions.RequireStore(result, store);
            await using var memory = await MemoryStore.OpenAsync(dir, Models.ForRead(dir, null), ct);
            var s = await memory.GetStatsAsync(ct);
            if (result.GetValue(json))
            {
                JsonOutput.WriteLine(s);
                return ExitCodes.Ok;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.Out.WriteLine($"store       {s.Directory}");
            Console.Out.WriteLine($"tokenizer   {s.Tokenizer}");
            Console.Out.WriteLine(string.Create(inv, $"entries     {s.Entries:N0} in {s.Streams:N0} streams, {s.Tokens:N0} tokens, last seq {s.LastSeq:N0}"));
            Console.Out.WriteLine(string.Create(inv, $"log         {s.LogBytes:N0} bytes"));
            Console.Out.WriteLine(string.Create(inv, $"lexical     covers seq {s.LexicalCoveredSeq:N0} (persisted {s.LexicalPersistedSeq:N0}), {s.LexicalSegments:N0} segments, {s.LexicalTerms:N0} terms, {s.LexicalBytes:N0} bytes"));
            if (s.VectorModel is not null)
            {
                Console.Out.WriteLine(string.Create(inv, $"vectors     {s.Vectors:N0} ({s.VectorModel}) and {s.VectorParts:N0} sentence views, {s.VectorsPending:N0} entries pending"));
                Console.Out.WriteLine($"searched by {s.VectorSearch}" + (s.VectorPartSearch is { } parts ? $", sentence views by {parts}" : ""));
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
