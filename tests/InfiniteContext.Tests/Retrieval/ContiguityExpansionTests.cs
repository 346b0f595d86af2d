using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class ContiguityExpansionTests
{
    private static Entry E(long seq, string session, string stream = "s") => new()
    {
        Seq = seq, Stream = stream, Session = session, Text = $"entry {seq}", IngestedAt = DateTimeOffset.UnixEpoch,
    };

    private static FusedCandidate F(long seq, double score) => new(seq, score, [score], 1);

    [Fact]
    public void A_strong_hit_lifts_its_unfound_neighbour_above_a_weak_hit_elsewhere()
    {
        // Seq 10 is strong; 11 (the reply next to it) was found by no channel; 50 is a weak hit in another session.
        var entries = new[] { E(9, "a"), E(10, "a"), E(11, "a"), E(12, "a"), E(50, "b") }.ToDictionary(e => e.Seq);
        var fused = new[] { F(10, 5), F(50, 0.5) };
        var neighbours = new Dictionary<long, IReadOnlyList<Entry>> { [10] = [entries[9], entries[11], entries[12]] };
        var ranked = ContiguityExpansion.Rerank(fused, entries, neighbours, floor: -1, new RetrievalOptions());
        var order = ranked.Select(r => r.Seq).ToList();
        order[0].ShouldBe(10);
        order.IndexOf(11).ShouldBeLessThan(order.IndexOf(50));
        ranked.Single(r => r.Seq == 11).LiftedBy.ShouldBe(10);
        // Distance two lends half as much as distance one.
        var lift11 = ranked.Single(r => r.Seq == 11).Score;
        var lift12 = ranked.Single(r => r.Seq == 12).Score;
        lift11.ShouldBeGreaterThan(lift12);
    }

    [Fact]
    public void Neighbours_in_another_session_are_not_lifted()
    {
        var entries = new[] { E(10, "a"), E(11, "b") }.ToDictionary(e => e.Seq);
        var neighbours = new Dictionary<long, IReadOnlyList<Entry>> { [10] = [entries[11]] };
        var ranked = ContiguityExpansion.Rerank([F(10, 5)], entries, neighbours, floor: -1, new RetrievalOptions());
        ranked.Select(r => r.Seq).ShouldBe([10L]);
    }

    [Fact]
    public void Session_aggregation_uses_the_best_turn_not_the_mean()
    {
        // Session "a": one strong and many weak turns; session "b": uniformly middling. The weak turn of "a" gains more.
        var entries = new[] { E(1, "a"), E(2, "a"), E(3, "a"), E(4, "a"), E(5, "b"), E(6, "b") }.ToDictionary(e => e.Seq);
        var fused = new[] { F(1, 4), F(2, 0), F(3, 0), F(4, 0), F(5, 1), F(6, 1.1) };
        var ranked = ContiguityExpansion.Rerank(fused, entries, new Dictionary<long, IReadOnlyList<Entry>>(), floor: -1,
            new RetrievalOptions { SessionShare = 1 });
        var score = ranked.ToDictionary(r => r.Seq, r => r.Score);
        score[2].ShouldBe(0 + 4, 1e-9);     // own 0 + best of "a" (4)
        score[5].ShouldBe(1 + 1.1, 1e-9);   // own 1 + best of "b" (1.1)
        score[2].ShouldBeGreaterThan(score[5]);
    }

    [Fact]
    public void With_no_shares_the_order_is_the_fused_order()
    {
        var entries = new[] { E(1, "a"), E(2, "a"), E(3, "b") }.ToDictionary(e => e.Seq);
        var fused = new[] { F(3, 3), F(1, 2), F(2, 1) };
        var neighbours = new Dictionary<long, IReadOnlyList<Entry>> { [1] = [entries[2]] };
        var ranked = ContiguityExpansion.Rerank(fused, entries, neighbours, floor: 0, new RetrievalOptions { NeighbourShare = 0, SessionShare = 0 });
        ranked.Select(r => r.Seq).ShouldBe([3L, 1L, 2L]);
    }

    [Fact]
    public void Entries_without_a_session_are_not_expanded()
    {
        var a = new Entry { Seq = 1, Stream = "s", Text = "a", IngestedAt = DateTimeOffset.UnixEpoch };
        var b = a with { Seq = 2, Text = "b" };
        var entries = new[] { a, b }.ToDictionary(e => e.Seq);
        var neighbours = new Dictionary<long, IReadOnlyList<Entry>> { [1] = [b] };
        var ranked = ContiguityExpansion.Rerank([F(1, 5)], entries, neighbours, floor: -1, new RetrievalOptions());
        ranked.Select(r => r.Seq).ShouldBe([1L]);
    }
}
