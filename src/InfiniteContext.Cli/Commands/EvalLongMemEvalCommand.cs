using System.CommandLine;
using System.Globalization;
using InfiniteContext.Cli.Output;
using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;

namespace InfiniteContext.Cli.Commands;

/// <summary>
/// <c>infctx eval longmemeval &lt;file&gt;</c>: session- and turn-level recall on a file in LongMemEval's layout,
/// each question retrieved over its own haystack (one stream per question id). The file is read one instance
/// at a time, so memory stays bounded by the largest instance.
/// </summary>
internal static class EvalLongMemEvalCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON array of LongMemEval instances (question, haystack_sessions, answer_session_ids, ...)." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N instances." };
        var common = EvalSession.CreateOptions();
        var cmd = new Command("longmemeval", "Session Hit@k / Recall@k and turn Recall@k per question type, abstention questions apart.") { file, limit };
        foreach (var o in common.All) cmd.Options.Add(o);
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var input = result.GetValue(file)!;
            if (!input.Exists) throw new CliUsageException($"'{input.FullName}' does not exist.");
            int max = result.GetValue(limit) ?? int.MaxValue;
            if (max < 1) throw new CliUsageException("--limit must be at least 1.");

            await using var session = await EvalSession.OpenAsync(result, common, ct);
            var memory = session.Memory;
            long turns = 0, vectors = 0;
            double ingestSeconds = 0, indexSeconds = 0;
            var evaluator = new LongMemEvalEvaluator(async (instance, token) =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var ingest = await memory.IngestAsync(LongMemEvalDataset.Entries(instance), new IngestOptions(), token);
                if (ingest.Aborted) throw new IngestException($"{input.Name}: instance {instance.QuestionId}: {ingest.AbortedAt}");
                turns += ingest.Added;
                ingestSeconds += clock.Elapsed.TotalSeconds;
                if (memory.HasVectors)
                {
                    clock.Restart();
                    vectors += await memory.IndexVectorsAsync(null, token);
                    indexSeconds += clock.Elapsed.TotalSeconds;
                }
            }, session.SearchAsync);

            await using var stream = File.OpenRead(input.FullName);
            long length = stream.Length;
            var display = new ProgressDisplay(result.GetValue(common.Progress), "questions", TimeSpan.FromSeconds(1));
            var report = await display.RunAsync(r => evaluator.EvaluateAsync(
                LongMemEvalDataset.ReadAsync(stream, input.Name, ct).Take(max),
                new SyncProgress<int>(n => r(stream.Position, length, string.Create(CultureInfo.InvariantCulture, $"{n:N0} questions, {turns:N0} turns ingested"))),
                ct));
            int questions = report.Overall.Questions + report.Abstention.Questions + report.UnscorableQuestions;
            display.Done(string.Create(CultureInfo.InvariantCulture, $"{questions:N0} questions"));

            if (result.GetValue(common.Json))
            {
                JsonOutput.WriteLine(new { file = input.Name, questions, turns, ingestSeconds = Math.Round(ingestSeconds, 3), vectors, indexSeconds = Math.Round(indexSeconds, 3), retrieval = session.Label, sessionKs = LongMemEvalEvaluator.SessionKs, turnKs = LongMemEvalEvaluator.TurnKs, report });
                return ExitCodes.Ok;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Create(inv, $"{input.Name}: {questions:N0} questions, {turns:N0} turns ingested in {ingestSeconds:0.00}s, {vectors:N0} embedded in {indexSeconds:0.00}s; retrieval: {session.Label}"));
            Console.Out.WriteLine("| question type | questions | session Hit@1 | Hit@5 | Hit@10 | session R@5 | R@10 | turn-labelled | turn R@1 | R@5 | R@10 | R@25 |");
            Console.Out.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in report.Types.Append(report.Overall).Append(report.Abstention))
                Console.Out.WriteLine(string.Create(inv, $"| {s.Name} | {s.Questions} | {s.SessionHit[0]:0.000} | {s.SessionHit[1]:0.000} | {s.SessionHit[2]:0.000} | {s.SessionRecall[1]:0.000} | {s.SessionRecall[2]:0.000} | {s.TurnQuestions} | {s.TurnRecall[0]:0.000} | {s.TurnRecall[1]:0.000} | {s.TurnRecall[2]:0.000} | {s.TurnRecall[3]:0.000} |"));
            Console.Out.WriteLine(string.Create(inv, $"overall excludes abstention (_abs) questions; query p50 {report.QueryP50Ms:0.###} ms, p99 {report.QueryP99Ms:0.###} ms; {report.UnscorableQuestions} questions without an answer session in their haystack"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
