using InfiniteContext.Indexing;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class ConsensusRankerTests
{
    private static readonly RetrievalOptions Options = new();

    private static RankingChannel Channel(string name, double weight, params (long Seq, double Score)[] hits) =>
        new(name, hits.Select(h => new ScoredDoc(h.Seq, h.Score)).ToList(), weight);

    [Fact]
    public void An_entry_both_channels_found_outranks_entries_only_one_channel_ranked_as_high()
    {
        // Seq 2 is second in each channel; 1 and 3 each top one channel and are absent from the other.
        var lexical = Channel("lexical", 1, (1, 10), (2, 8), (4, 1), (5, 1));
        var dense = Channel("dense", 1, (3, 0.9), (2, 0.8), (6, 0.3), (7, 0.3));
        var fused = ConsensusRanker.Fuse([lexical, dense], Options);
        fused[0].Seq.ShouldBe(2);
        fused[0].ChannelsFound.ShouldBe(2);
        fused.Single(f => f.Seq == 1).ChannelsFound.ShouldBe(1);
    }

    [Fact]
    public void Scores_are_standardized_so_raw_scale_does_not_matter()
    {
        // BM25 grows with the corpus; cosines stay below 1. Scaling one channel's raw scores must not change the fusion.
        var lexical = Channel("lexical", 1, (1, 12), (2, 9), (3, 4), (4, 1));
        var dense = Channel("dense", 1, (5, 0.95), (2, 0.60), (7, 0.29), (8, 0.28));
        var scaled = new RankingChannel("lexical", lexical.Hits.Select(h => h with { Score = h.Score * 1000 }).ToList(), 1);
        var a = ConsensusRanker.Fuse([lexical, dense], Options);
        var b = ConsensusRanker.Fuse([scaled, dense], Options);
        b.Select(f => f.Seq).ShouldBe(a.Select(f => f.Seq));
        for (int i = 0; i < a.Count; i++) b[i].Score.ShouldBe(a[i].Score, 1e-9);
        a[0].Seq.ShouldBe(2); // second in both beats first in one
    }

    [Fact]
    public void Weights_decide_between_channels()
    {
        var lexical = Channel("lexical", 3, (1, 10), (2, 1), (3, 1));
        var dense = Channel("dense", 1, (4, 0.9), (5, 0.1), (6, 0.1));
        ConsensusRanker.Fuse([lexical, dense], Options)[0].Seq.ShouldBe(1);
        var reweighted = ConsensusRanker.Fuse([lexical with { Weight = 1 }, dense with { Weight = 3 }], Options);
        reweighted[0].Seq.ShouldBe(4);
    }

    [Fact]
    public void Agreement_bonus_is_added_per_extra_channel()
    {
        var a = Channel("a", 1, (1, 1), (2, 1));
        var b = Channel("b", 1, (1, 1), (2, 1));
        var without = ConsensusRanker.Fuse([a, b], Options with { AgreementBonus = 0 });
        var with = ConsensusRanker.Fuse([a, b], Options with { AgreementBonus = 0.5 });
        (with[0].Score - without[0].Score).ShouldBe(0.5, 1e-9);
    }

    [Fact]
    public void Empty_channels_fuse_to_nothing_and_ties_prefer_the_newer_entry()
    {
        ConsensusRanker.Fuse([Channel("a", 1), Channel("b", 1)], Options).ShouldBeEmpty();
        var tied = ConsensusRanker.Fuse([Channel("a", 1, (3, 5), (9, 5))], Options);
        tied.Select(f => f.Seq).ShouldBe([9L, 3L]);
    }
}
