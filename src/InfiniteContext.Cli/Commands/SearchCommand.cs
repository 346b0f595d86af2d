using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli.Commands;

/// <summary><c>infctx search</c>: one query, or a batch of JSON-lines queries, against a read-only view of the store.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "What to look for.", Arity = ArgumentArity.ZeroOrOne };
        var store = CommonOptions.Store();
        var streams = new Option<string[]>("--stream") { Description = "Search only this stream (repeatable). Default: all streams.", AllowMultipleArgumentsPerToken = false };
        var top = new Option<int>("--top") { Description = "How many hits.", DefaultValueFactory = _ => 10 };
        var json = CommonOptions.Json();
        var queries = new Option<FileInfo?>("--queries") { Description = "Batch: a JSONL file of {\"id\", \"stream\", \"query\"} lines; writes one {\"id\", \"hits\"} line each." };
        var speaker = new Option<string?>("--speaker") { Description = "Only entries by this speaker." };
        var role = new Option<string?>("--role") { Description = "Only entries with this role (user, assistant, system, tool)." };
        var session = new Option<string?>("--session") { Description = "Only entries of this session." };
        var from = new Option<string?>("--from") { Description = "Only entries at or after this time (ISO-8601)." };
        var to = new Option<string?>("--to") { Description = "Only entries before this time (ISO-8601)." };
        var retrieval = Models.RetrievalOption();

        var cmd = new Command("search", "Rank the store's entries for a query (BM25), with citations.")
        {
            query, store, streams, top, json, queries, speaker, role, session, from, to, retrieval,
        };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            int k = result.GetValue(top);
            if (k <= 0) throw new CliUsageException("--top must be at least 1.");
            var filter = new SearchFilter
            {
                Streams = result.GetValue(streams) is { Length: > 0 } s ? s : null,
                Speaker = result.GetValue(speaker),
                Session = result.GetValue(session),
                Role = ParseRole(result.GetValue(role)),
                From = ParseTime(result.GetValue(from), "--from"),
                To = ParseTime(result.GetValue(to), "--to"),
            };
            string dir = CommonOptions.RequireStore(result, store);
            await using var memory = await MemoryStore.OpenAsync(dir, Models.ForRead(dir, result.GetValue(retrieval)), ct);

            if (result.GetValue(queries) is { } batchFile)
            {
                if (result.GetValue(query) is not null) throw new CliUsageException("Give either a query or --queries, not both.");
                return await RunBatchAsync(memory, batchFile, filter, k, ct);
            }
            string q = result.GetValue(query) ?? throw new CliUsageException("A query (or --queries <file.jsonl>) is required.");
            var hits = await memory.SearchAsync(q, filter, k, ct);
            if (result.GetValue(json))
            {
                JsonOutput.WriteLine(new { query = q, hits = hits.Select(JsonOutput.Hit) });
            }
            else
            {
                if (hits.Count == 0) Console.Out.WriteLine("(no matches)");
                foreach (var h in hits)
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{h.Score,8:0.000}  {Citation.Of(h.Entry)} {OneLine(h.Entry.Text, 240)}"));
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static async Task<int> RunBatchAsync(MemoryStore memory, FileInfo file, SearchFilter baseFilter, int top, CancellationToken ct)
    {
        if (!file.Exists) throw new FileNotFoundException($"Queries file '{file.FullName}' does not exist.");
        using var reader = new StreamReader(file.FullName, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
        long lineNo = 0;
        int failures = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string? id;
            string? stream;
            string? text;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new JsonException("a query line must be a JSON object");
                id = root.TryGetProperty("id", out var i) ? (i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText()) : lineNo.ToString(CultureInfo.InvariantCulture);
                stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                text = root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
            }
            catch (JsonException ex)
            {
                Console.Error.WriteLine($"infctx: error: {file.Name}:{lineNo}: {ex.Message}");
                failures++;
                continue;
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                Console.Error.WriteLine($"infctx: error: {file.Name}:{lineNo}: field 'query' is missing or empty");
                failures++;
                continue;
            }
            var filter = stream is null ? baseFilter : baseFilter with { Streams = [stream] };
            var hits = await memory.SearchAsync(text, filter, top, ct);
            JsonOutput.WriteLine(new { id, hits = hits.Select(JsonOutput.Hit) });
        }
        return failures == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    internal static EntryRole? ParseRole(string? text)
    {
        if (text is null) return null;
        return EntryRoles.TryParse(text, out var r) ? r : throw new CliUsageException($"--role '{text}' is not one of user, assistant, system, tool.");
    }

    internal static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new CliUsageException($"{option} '{text}' is not an ISO-8601 time.");
    }

    internal static string OneLine(string text, int max)
    {
        var s = text.ReplaceLineEndings(" ");
        return s.Length <= max ? s : string.Concat(s.AsSpan(0, max), "…");
    }
}
