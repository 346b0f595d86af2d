using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;
using InfiniteContext.Ingest;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx ingest</c>: stream a file, a folder or stdin into the store; every reported count is durable.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A file, a folder (read recursively), or - for stdin." };
        var store = CommonOptions.Store();
        var stream = new Option<string?>("--stream") { Description = "Stream for records that do not name one (text files, transcripts, JSONL without \"stream\")." };
        var format = new Option<IngestFormat>("--format") { Description = "auto, jsonl, text, locomo or openai.", DefaultValueFactory = _ => IngestFormat.Auto };
        var onError = new Option<OnError>("--on-error") { Description = "abort (stop at the first bad record; what came before it is kept) or skip (report it and go on).", DefaultValueFactory = _ => OnError.Abort };
        var chunkTokens = new Option<int>("--chunk-tokens") { Description = "Maximum tokens per chunk of a text or Markdown file.", DefaultValueFactory = _ => 256 };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer for a new store: o200k_base or cl100k_base.", DefaultValueFactory = _ => "o200k_base" };
        var progress = CommonOptions.Progress();
        var every = new Option<int>("--progress-every") { Description = "Milliseconds between plain progress lines (0: a line per durable commit).", DefaultValueFactory = _ => 1000 };
        var json = CommonOptions.Json();

        var cmd = new Command("ingest", "Append entries to a store, durably, in constant memory.")
        {
            path, store, stream, format, onError, chunkTokens, tokenizer, progress, every, json,
        };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            string input = result.GetValue(path)!;
            if (input != "-" && !File.Exists(input) && !Directory.Exists(input))
                throw new CliUsageException($"'{input}' does not exist.");
            if (result.GetValue(chunkTokens) is < 16 or > 8192) throw new CliUsageException("--chunk-tokens must be between 16 and 8192.");
            string storeDir = CommonOptions.RequireStore(result, store);
            var source = new InputSource(input);
            await source.CheckFormatsAsync(result.GetValue(format), ct);
            await using var memory = await MemoryStore.OpenAsync(storeDir, new MemoryStoreOptions { Tokenizer = result.GetValue(tokenizer)! }, ct);
            var readerOptions = new IngestReaderOptions { DefaultStream = result.GetValue(stream), MaxChunkTokens = result.GetValue(chunkTokens) };
            var display = new ProgressDisplay(result.GetValue(progress), "ingest", TimeSpan.FromMilliseconds(Math.Max(0, result.GetValue(every))));
            var mode = result.GetValue(onError);
            var outcome = await display.RunAsync(report =>
            {
                var options = new IngestOptions
                {
                    OnError = mode,
                    OnProblem = p => Console.Error.WriteLine($"infctx: {(mode == OnError.Skip ? "skipped" : "error")}: {p}"),
                    Progress = new SyncProgress<IngestProgress>(p => report(source.BytesRead, source.TotalBytes, Status(p))),
                };
                return memory.IngestAsync(source.ReadAsync(result.GetValue(format), readerOptions, memory.TokenCounter, ct), options, ct);
            });
            display.Done(Status(new IngestProgress(outcome.Added, outcome.Duplicates, outcome.Problems, outcome.Tokens, null))
                + string.Create(CultureInfo.InvariantCulture, $", {outcome.Tokens / Math.Max(0.001, outcome.Elapsed.TotalSeconds):N0} tokens/s"));
            if (result.GetValue(json))
            {
                JsonOutput.WriteLine(new
                {
                    added = outcome.Added, duplicates = outcome.Duplicates, problems = outcome.Problems, tokens = outcome.Tokens,
                    seconds = Math.Round(outcome.Elapsed.TotalSeconds, 3), aborted = outcome.Aborted, abortedAt = outcome.AbortedAt?.ToString(),
                });
            }
            if (outcome.AbortedAt is { } at)
            {
                Console.Error.WriteLine($"infctx: error: stopped at {at}; {outcome.Added:N0} entries before it are stored. Fix the record, or pass --on-error skip.");
                return ExitCodes.BadInput;
            }
            // With --on-error skip the caller chose to go on: problems were reported on stderr and counted, the run succeeded.
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string Status(IngestProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Added:N0} entries stored, {p.Duplicates:N0} duplicates, {p.Problems:N0} problems, {p.Tokens:N0} tokens");
}

/// <summary>IProgress that calls back on the reporting thread: progress lines must follow the commit they acknowledge, in order.</summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
