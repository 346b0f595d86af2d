using InfiniteContext.Evaluation;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Evaluation;

public sealed class LongMemEvalEvaluatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SearchHit Hit(string stream, string id, string session) =>
        new(new Entry { Seq = 1, Stream = stream, ExternalId = id, Session = session, Text = id, IngestedAt = DateTimeOffset.UnixEpoch }, 1);

    [Fact]
    public async Task Scores_sessions_and_turns_per_type_with_abstention_and_unscorable_questions_apart()
    {
        var all = await LongMemEvalDataset.LoadAsync(LongMemEvalDatasetTests.Sample);
        var ingested = new List<string>();
        // Every question: a turn of its first haystack session first, then each has_answer turn, in file order.
        var evaluator = new LongMemEvalEvaluator(
            (instance, _) => { ingested.Add(instance.QuestionId); return Task.CompletedTask; },
            (question, stream, k, _) =>
            {
                k.ShouldBe(LongMemEvalEvaluator.Top);
                var instance = all.Single(i => i.QuestionId == stream);
                var hits = new List<SearchHit> { Hit(stream, "0:1", instance.Sessions[0].Id) };
                for (int s = 0; s < instance.Sessions.Count; s++)
                    for (int t = 0; t < instance.Sessions[s].Turns.Count; t++)
                        if (instance.Sessions[s].Turns[t].HasAnswer) hits.Add(Hit(stream, LongMemEvalDataset.TurnId(s, t), instance.Sessions[s].Id));
                return Task.FromResult<IReadOnlyList<SearchHit>>(hits);
            });

        var report = await evaluator.EvaluateAsync(all.ToAsyncEnumerable());

        // The orphan's answer session is not in its haystack: counted, never ingested or scored.
        report.UnscorableQuestions.ShouldBe(1);
        ingested.ShouldNotContain("q-orphan-005");
        report.Types.Select(t => t.Name).ShouldBe(["knowledge-update", "multi-session", "single-session-user"]);

        // single-session-user: wrong session (f-garden) first, the answer session second; its one evidence turn second.
        var single = report.Types.Single(t => t.Name == "single-session-user");
        single.SessionHit.ShouldBe([0.0, 1.0, 1.0]);
        single.SessionRecall.ShouldBe([0.0, 1.0, 1.0]);
        single.TurnRecall.ShouldBe([0.0, 1.0, 1.0, 1.0]);

        // multi-session: the first haystack session is an answer session (s-cat), so Hit@1 holds and Recall@1 is 1 of 2.
        var multi = report.Types.Single(t => t.Name == "multi-session");
        multi.SessionHit[0].ShouldBe(1.0);
        multi.SessionRecall[0].ShouldBe(0.5);
        multi.TurnRecall[0].ShouldBe(0.0); // "0:1" is the assistant's reply, not the evidence turn "0:0"

        report.Overall.Questions.ShouldBe(3);
        report.Overall.TurnQuestions.ShouldBe(3);
        report.Overall.SessionHit[0].ShouldBe(Math.Round(2.0 / 3, 4));
        // The abstention question has an answer session (s-rabbits) but no has_answer turn: session-scored only, and
        // the stub returns just a turn of s-cat for it, so its misses stay out of the overall row.
        report.Abstention.Questions.ShouldBe(1);
        report.Abstention.TurnQuestions.ShouldBe(0);
        report.Abstention.SessionHit.ShouldBe([0.0, 0.0, 0.0]);
    }

    [Fact]
    public async Task A_repeated_question_id_is_refused()
    {
        var all = await LongMemEvalDataset.LoadAsync(LongMemEvalDatasetTests.Sample);
        var evaluator = new LongMemEvalEvaluator((_, _) => Task.CompletedTask, (_, _, _, _) => Task.FromResult<IReadOnlyList<SearchHit>>([]));
        var ex = await Should.ThrowAsync<ArgumentException>(() => evaluator.EvaluateAsync(new[] { all[0], all[0] }.ToAsyncEnumerable()));
        ex.Message.ShouldContain("q-sister-001");
    }

    [Fact]
    public async Task On_a_real_store_each_question_searches_only_its_own_haystack()
    {
        await using var memory = await MemoryStore.OpenAsync(_dir.Path);
        var evaluator = new LongMemEvalEvaluator(
            async (instance, ct) => (await memory.IngestAsync(LongMemEvalDataset.Entries(instance), null, ct)).Aborted.ShouldBeFalse(),
            async (q, stream, k, ct) =>
            {
                var hits = await memory.SearchAsync(q, SearchFilter.ForStream(stream), k, RetrievalMode.Lexical, ct);
                hits.ShouldAllBe(h => h.Entry.Stream == stream);
                return hits;
            });
        await using var file = File.OpenRead(LongMemEvalDatasetTests.Sample);
        var report = await evaluator.EvaluateAsync(LongMemEvalDataset.ReadAsync(file, "sample"));

        // The sister question's answer turn is the only one saying "sister" and "moved": found first.
        report.Types.Single(t => t.Name == "single-session-user").TurnRecall[0].ShouldBe(1.0);
        report.Overall.SessionHit[2].ShouldBe(1.0);
        (await memory.GetStatsAsync()).Streams.ShouldBe(4);
    }
}
