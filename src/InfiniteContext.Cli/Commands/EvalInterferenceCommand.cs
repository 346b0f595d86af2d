using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InfiniteContext.Cli.Output;
using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;

namespace InfiniteContext.Cli.Commands;

/// <summary>
/// <c>infctx eval interference</c>: generates a stream of keys updated many times each (PI-LLM style), ingests
/// it, asks for every key's current value and reports how often the latest update ranks first, per update count.
/// </summary>
internal static class EvalInterferenceCommand
{
    public static Command Create()
    {
        var keys = new Option<int>("--keys") { Description = "Keys per update count (each asked about once).", DefaultValueFactory = _ => 200 };
        var updates = new Option<string>("--updates") { Description = "Comma-separated update counts, one level of the sweep each.", DefaultValueFactory = _ => "1,10,50,100,200,400" };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated stream; the same seed gives the same stream and questions.", DefaultValueFactory = _ => 1 };
        var common = EvalSession.CreateOptions();
        var cmd = new Command("interference", "Latest-value-first accuracy when each key is updated up to hundreds of times in one stream.") { keys, updates, seed };
        foreach (var o in common.All) cmd.Options.Add(o);
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var options = new InterferenceOptions
            {
                KeysPerCount = result.GetValue(keys),
                UpdateCounts = ParseCounts(result.GetValue(updates)),
                Seed = result.GetValue(seed),
            };
            if (options.KeysPerCount < 1) throw new CliUsageException("--keys must be at least 1.");
            int capacity = InterferenceGenerator.KeyCapacity;
            if (options.KeysPerCount * options.UpdateCounts.Count > capacity)
                throw new CliUsageException($"--keys {options.KeysPerCount} x {options.UpdateCounts.Count} update counts needs more keys than the {capacity} the generator can name.");
            var set = InterferenceGenerator.Create(options);
            var mode = result.GetValue(common.Progress);

            await using var session = await EvalSession.OpenAsync(result, common, ct);
            var memory = session.Memory;
            var ingestDisplay = new ProgressDisplay(mode, "ingest", TimeSpan.FromSeconds(1));
            long total = set.EntryCount;
            var ingest = await ingestDisplay.RunAsync(report => memory.IngestAsync(set.Entries(), new IngestOptions
            {
                Progress = new SyncProgress<IngestProgress>(p => report(p.Added, total, string.Create(CultureInfo.InvariantCulture, $"{p.Added:N0}/{total:N0} updates"))),
            }, ct));
            if (ingest.Aborted) throw new InvalidOperationException($"generated entry rejected: {ingest.AbortedAt}");
            double ingestSeconds = ingestDisplay.Elapsed.TotalSeconds;
            ingestDisplay.Done(string.Create(CultureInfo.InvariantCulture, $"{ingest.Added:N0} updates ingested"));

            var indexDisplay = new ProgressDisplay(mode, "embed", TimeSpan.FromSeconds(1));
            long vectors = memory.HasVectors
                ? await indexDisplay.RunAsync(report => memory.IndexVectorsAsync(new Progress<long>(n => report(n, total, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{total:N0} embedded"))), ct))
                : 0;
            double indexSeconds = memory.HasVectors ? indexDisplay.Elapsed.TotalSeconds : 0;

            var askDisplay = new ProgressDisplay(mode, "questions", TimeSpan.FromSeconds(1));
            var evaluator = new InterferenceEvaluator(session.SearchAsync);
            int questions = set.Keys.Count;
            var report = await askDisplay.RunAsync(r => evaluator.EvaluateAsync(set, new SyncProgress<int>(n => r(n, questions, string.Create(CultureInfo.InvariantCulture, $"{n:N0}/{questions:N0} keys"))), ct));
            askDisplay.Done(string.Create(CultureInfo.InvariantCulture, $"{questions:N0} keys asked"));

            if (result.GetValue(common.Json))
            {
                JsonOutput.WriteLine(new { seed = options.Seed, keysPerCount = options.KeysPerCount, updateCounts = options.UpdateCounts, entries = ingest.Added, ingestSeconds = Math.Round(ingestSeconds, 3), vectors, indexSeconds = Math.Round(indexSeconds, 3), retrieval = session.Label, report });
                return ExitCodes.Ok;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Create(inv, $"interference (seed {options.Seed}): {set.Keys.Count:N0} keys, {ingest.Added:N0} updates ingested in {ingestSeconds:0.00}s, {vectors:N0} embedded in {indexSeconds:0.00}s; retrieval: {session.Label}"));
            Console.Out.WriteLine("| updates per key | keys | latest first | latest in top 5 | stale update first | other key first |");
            Console.Out.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in report.ByUpdateCount.Append(report.Overall))
                Console.Out.WriteLine(string.Create(inv, $"| {s.Updates} | {s.Keys} | {s.LatestFirst:0.000} | {s.LatestInTop5:0.000} | {s.StaleFirst:0.000} | {s.OtherFirst:0.000} |"));
            Console.Out.WriteLine(string.Create(inv, $"query p50 {report.QueryP50Ms:0.###} ms, p99 {report.QueryP99Ms:0.###} ms"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static List<int> ParseCounts(string? text)
    {
        var counts = new List<int>();
        foreach (string part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 100_000)
                throw new CliUsageException($"--updates: '{part}' is not a whole number from 1 to 100000.");
            if (!counts.Contains(n)) counts.Add(n);
        }
        if (counts.Count == 0) throw new CliUsageException("--updates needs at least one update count, e.g. 1,10,100.");
        return counts;
    }
}
