using InfiniteContext.Evaluation;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Evaluation;

public sealed class InterferenceEvaluatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SearchHit Hit(string id) => new(new Entry { Seq = 1, Stream = "interference", ExternalId = id, Text = id, IngestedAt = DateTimeOffset.UnixEpoch }, 1);

    [Fact]
    public async Task Scores_latest_first_stale_and_other_key_per_update_count()
    {
        var set = InterferenceGenerator.Create(new InterferenceOptions { UpdateCounts = [1, 4], KeysPerCount = 2, Seed = 3 });
        var keys = set.Keys;
        // Key 0 (1 update): right. Key 1 (1 update): another key first, then the right one.
        // Key 2 (4 updates): a stale update first, latest second. Key 3 (4 updates): a stale update only.
        var answers = new Dictionary<string, IReadOnlyList<SearchHit>>
        {
            [keys[0].Question] = [Hit(keys[0].LatestEntryId)],
            [keys[1].Question] = [Hit(InterferenceGenerator.EntryId(2, 1)), Hit(keys[1].LatestEntryId)],
            [keys[2].Question] = [Hit(InterferenceGenerator.EntryId(2, 1)), Hit(keys[2].LatestEntryId)],
            [keys[3].Question] = [Hit(InterferenceGenerator.EntryId(3, 2))],
        };
        var evaluator = new InterferenceEvaluator((q, stream, k, _) =>
        {
            stream.ShouldBe("interference");
            k.ShouldBe(InterferenceEvaluator.Top);
            return Task.FromResult(answers[q]);
        });

        var report = await evaluator.EvaluateAsync(set);

        report.ByUpdateCount.Select(s => (s.Updates, s.Keys, s.LatestFirst, s.LatestInTop5, s.StaleFirst, s.OtherFirst))
            .ShouldBe([("1", 2, 0.5, 1.0, 0.0, 0.5), ("4", 2, 0.0, 0.5, 1.0, 0.0)]);
        report.Overall.LatestFirst.ShouldBe(0.25);
        report.Overall.Keys.ShouldBe(4);
    }

    [Fact]
    public async Task On_a_real_store_the_latest_of_many_differently_worded_updates_ranks_first()
    {
        var set = InterferenceGenerator.Create(new InterferenceOptions { UpdateCounts = [1, 30, 150], KeysPerCount = 3, Seed = 11 });
        await using var memory = await MemoryStore.OpenAsync(_dir.Path);
        (await memory.IngestAsync(set.Entries())).Added.ShouldBe(set.EntryCount);
        var report = await new InterferenceEvaluator((q, s, k, ct) => memory.SearchAsync(q, SearchFilter.ForStream(s), k, RetrievalMode.Lexical, ct)).EvaluateAsync(set);
        report.Overall.Keys.ShouldBe(9);
        report.Overall.LatestFirst.ShouldBe(1.0);
    }
}
