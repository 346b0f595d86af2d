using InfiniteContext.Evaluation;

namespace InfiniteContext.Tests.Evaluation;

public sealed class NiahEvaluatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SearchHit Hit(string id, double score) =>
        new(new Entry { Seq = 1, Stream = HaystackStream.StreamName, ExternalId = id, Text = id, IngestedAt = DateTimeOffset.UnixEpoch }, score);

    private static NeedleProbe Probe(NeedleVariant variant, string[] needles, string[] distractors) =>
        new(variant, 50, "q", needles.Select(n => new NeedleEntry(n, n)).ToList(), distractors.Select(n => new NeedleEntry(n, n)).ToList());

    /// <summary>Builds a store holding a 20K-token haystack with only the plan's insertions that <paramref name="keep"/> accepts.</summary>
    private async Task<(MemoryStore Store, NiahPlan Plan)> BuildAsync(NiahOptions options, Func<NeedleEntry, bool> keep)
    {
        var plan = NiahPlan.Create(20_000, options);
        var store = await MemoryStore.OpenAsync(_dir.File("store-" + Guid.NewGuid().ToString("N")[..6]));
        var stream = new HaystackStream(new HaystackGenerator(options.Seed), 20_000, plan.Insertions.Where(i => keep(i.Entry)).ToList(), store.TokenCounter);
        await store.IngestAsync(stream.ReadAsync());
        return (store, plan);
    }

    private static Task<NiahScores> ScoreAsync(NiahOptions options, MemoryStore store, IReadOnlyList<NeedleProbe> probes) =>
        new NiahEvaluator(options).ScoreAsync(probes, "20K", (q, k, ct) => store.SearchAsync(q, SearchFilter.ForStream(HaystackStream.StreamName), k, ct));

    [Fact]
    public void A_distractor_at_rank_1_is_a_miss_even_when_the_needle_follows_it()
    {
        var probe = Probe(NeedleVariant.NearMiss, ["n"], ["x0", "x1"]);
        var outcome = NeedleOutcome.Score(probe, [Hit("x0", 9), Hit("n", 8), Hit("p1", 7)], top: 10);
        outcome.AtRank1.ShouldBeFalse();
        outcome.DistractorAtRank1.ShouldBeTrue();
        outcome.NeedleRank.ShouldBe(2);
        outcome.WithinTopK.ShouldBeTrue();
        NeedleOutcome.Score(probe, [Hit("x0", 9), Hit("n", 8)], top: 1).WithinTopK.ShouldBeFalse();
        NeedleOutcome.Score(probe, [Hit("n", 9), Hit("x0", 8)], top: 10).ShouldBe(new NeedleOutcome(true, true, 1, false, "n"));
    }

    [Fact]
    public void A_multi_needle_probe_needs_one_needle_first_and_every_needle_in_the_top_k()
    {
        var probe = Probe(NeedleVariant.Multi, ["m0", "m1", "m2"], []);
        var partial = NeedleOutcome.Score(probe, [Hit("m1", 9), Hit("p4", 8), Hit("m0", 7)], top: 10);
        partial.AtRank1.ShouldBeTrue();
        partial.WithinTopK.ShouldBeFalse();
        NeedleOutcome.Score(probe, [Hit("m1", 9), Hit("m2", 8), Hit("m0", 7)], top: 3).WithinTopK.ShouldBeTrue();
        NeedleOutcome.Score(probe, [Hit("m1", 9), Hit("m2", 8), Hit("m0", 7)], top: 2).WithinTopK.ShouldBeFalse();
    }

    [Fact]
    public void An_entry_of_another_stream_with_the_needles_id_does_not_count()
    {
        var probe = Probe(NeedleVariant.Single, ["n"], []);
        var other = new SearchHit(new Entry { Seq = 2, Stream = "elsewhere", ExternalId = "n", Text = "n", IngestedAt = DateTimeOffset.UnixEpoch }, 9);
        NeedleOutcome.Score(probe, [other], top: 10).NeedleRank.ShouldBeNull();
    }

    [Fact]
    public async Task A_needle_that_is_not_inserted_is_not_found_while_an_inserted_one_is()
    {
        var options = new NiahOptions { Depths = [0, 50, 100], Variants = [NeedleVariant.Single, NeedleVariant.Multi], NeedlesPerCell = 1 };
        var plan = NiahPlan.Create(20_000, options);
        var missing = plan.Probes.Where((_, i) => i % 2 == 0).SelectMany(p => p.Needles).Select(n => n.Id).ToHashSet();
        var (store, _) = await BuildAsync(options, e => !missing.Contains(e.Id));
        await using (store)
        {
            var scores = await ScoreAsync(options, store, plan.Probes);
            foreach (var (probe, i) in plan.Probes.Select((p, i) => (p, i)))
            {
                var hits = await store.SearchAsync(probe.Question, SearchFilter.ForStream(HaystackStream.StreamName), 10);
                var outcome = NeedleOutcome.Score(probe, hits, 10);
                if (i % 2 == 0)
                {
                    outcome.NeedleRank.ShouldBeNull(probe.Question);
                    outcome.AtRank1.ShouldBeFalse();
                    outcome.WithinTopK.ShouldBeFalse();
                }
                else
                {
                    outcome.NeedleRank.ShouldNotBeNull(probe.Question); // the control: the same question finds its needle when it is there
                }
            }
            var missed = scores.Misses.Select(m => m.NeedleId).ToHashSet();
            plan.Probes.Where((_, i) => i % 2 == 0).ShouldAllBe(p => missed.Contains(p.Needles[0].Id));
        }
    }

    [Fact]
    public async Task When_only_the_distractors_are_there_the_top_hit_is_a_distractor_and_scores_as_a_miss()
    {
        var options = new NiahOptions { Depths = [25, 75], Variants = [NeedleVariant.NearMiss], NeedlesPerCell = 3 };
        var plan = NiahPlan.Create(20_000, options);
        var needles = plan.Probes.SelectMany(p => p.Needles).Select(n => n.Id).ToHashSet();
        var (store, _) = await BuildAsync(options, e => !needles.Contains(e.Id));
        await using (store)
        {
            var scores = await ScoreAsync(options, store, plan.Probes);
            scores.Cells.Sum(c => c.Probes).ShouldBe(6);
            scores.Cells.Sum(c => c.AtRank1).ShouldBe(0);
            scores.Cells.Sum(c => c.WithinTopK).ShouldBe(0);
            scores.Cells.Sum(c => c.DistractorAtRank1).ShouldBe(6); // the near-identical fact is what BM25 ranks first
            scores.Misses.Count.ShouldBe(6);
            scores.Misses.ShouldAllBe(m => m.TopHitId!.Contains("-x"));
        }
    }

    [Fact]
    public async Task A_run_is_a_function_of_its_seed_and_refuses_a_store_that_is_not_empty()
    {
        var options = new NiahOptions { Seed = 9, Depths = [0, 100], NeedlesPerCell = 2 };
        async Task<NiahSizeResult> RunAsync(string name)
        {
            await using var store = await MemoryStore.OpenAsync(_dir.File(name));
            return await new NiahEvaluator(options).RunAsync(store, "20K", 20_000);
        }
        var a = await RunAsync("a");
        var b = await RunAsync("b");
        b.Cells.ShouldBe(a.Cells);
        b.Misses.ShouldBe(a.Misses);
        (b.HaystackTokens, b.StoredTokens, b.Entries, b.NeedleEntries).ShouldBe((a.HaystackTokens, a.StoredTokens, a.Entries, a.NeedleEntries));
        a.Cells.Count.ShouldBe(2 * NeedleVariants.All.Count);
        a.Cells.ShouldAllBe(c => c.Probes == 2);
        a.NeedleEntries.ShouldBe(2 * 2 * (1 + 3 + 1 + 1) + 2 * 2 * 2); // needles (multi groups of 3) and near-miss distractors
        // Latency per variant covers each variant's own questions.
        a.Timings.Variants.Select(v => v.Variant).ShouldBe(NeedleVariants.All.Select(v => v.ToWire()));
        a.Timings.Variants.ShouldAllBe(v => v.Queries == 4 && v.QueryP50Ms <= v.QueryP99Ms);

        await using var again = await MemoryStore.OpenAsync(_dir.File("a"));
        await Should.ThrowAsync<ArgumentException>(() => new NiahEvaluator(options).RunAsync(again, "20K", 20_000));
    }
}
