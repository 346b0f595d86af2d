using InfiniteContext.Indexing;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class EpisodeLeadTests
{
    private static Entry E(long seq, string? session, string stream = "s") => new()
    {
        Seq = seq, Stream = stream, Session = session, Text = $"entry {seq}", IngestedAt = DateTimeOffset.UnixEpoch,
    };

    private static RankedCandidate R(long seq, double own, double final) => new(seq, final, own, null) { OwnScore = own };

    private static readonly RetrievalOptions Options = new() { LeadSessions = 5, LeadSecondWeight = 0.6, LeadVoteWeight = 0.2 };

    private static readonly Dictionary<long, int> NoVotes = [];

    [Fact]
    public void A_session_with_two_strong_entries_leads_over_one_with_a_single_slightly_better_entry()
    {
        // "a" has one entry at 3.0 and nothing else; "b" has 2.8 and 2.5. 3.0 + 0.6 x floor(0) < 2.8 + 0.6 x 2.5.
        var entries = new[] { E(1, "a"), E(2, "b"), E(3, "b") }.ToDictionary(e => e.Seq);
        var ranked = new[] { R(1, 3.0, 4.5), R(2, 2.8, 4.2), R(3, 2.5, 3.9) };
        var led = EpisodeLead.Apply(ranked, entries, NoVotes, floor: 0, Options);
        led.Select(r => r.Seq).ShouldBe([2L, 1L, 3L]); // only the head moved
    }

    [Fact]
    public void A_clear_best_entry_keeps_the_lead()
    {
        var entries = new[] { E(1, "a"), E(2, "b"), E(3, "b") }.ToDictionary(e => e.Seq);
        var ranked = new[] { R(1, 6.0, 9.0), R(2, 2.8, 4.2), R(3, 2.5, 3.9) };
        EpisodeLead.Apply(ranked, entries, NoVotes, floor: 0, Options).ShouldBe(ranked);
    }

    [Fact]
    public void Channel_votes_decide_between_near_equal_sessions()
    {
        var entries = new[] { E(1, "a"), E(2, "a"), E(3, "b"), E(4, "b") }.ToDictionary(e => e.Seq);
        var ranked = new[] { R(1, 3.0, 4.5), R(3, 2.9, 4.35), R(2, 1.0, 2.5), R(4, 1.0, 2.45) };
        EpisodeLead.Apply(ranked, entries, NoVotes, floor: 0, Options)[0].Seq.ShouldBe(1);
        // Three of the channels' top hits lie in "b" (entry 3 in two channels, entry 4 in one), one in "a".
        var votes = EpisodeLead.Votes(
            [
                new RankingChannel("lexical", [new ScoredDoc(3, 9), new ScoredDoc(4, 8), new ScoredDoc(1, 7)], 1),
                new RankingChannel("dense", [new ScoredDoc(3, 0.9), new ScoredDoc(2, 0.1)], 1),
            ], depth: 2);
        votes.ShouldBe(new Dictionary<long, int> { [3] = 2, [4] = 1, [2] = 1 }, ignoreOrder: true);
        EpisodeLead.Apply(ranked, entries, votes, floor: 0, Options).Select(r => r.Seq).ShouldBe([3L, 1L, 2L, 4L]);
    }

    [Fact]
    public void Votes_count_each_channels_best_hits_even_when_a_channel_is_not_sorted()
    {
        var votes = EpisodeLead.Votes([new RankingChannel("x", [new ScoredDoc(1, 1), new ScoredDoc(2, 5), new ScoredDoc(3, 3)], 1)], depth: 2);
        votes.Keys.Order().ShouldBe([2L, 3L]);
        EpisodeLead.Votes([new RankingChannel("x", [new ScoredDoc(1, 1)], 1)], depth: 0).ShouldBeEmpty();
    }

    [Fact]
    public void Only_the_first_lead_sessions_compete_and_zero_turns_it_off()
    {
        var entries = new[] { E(1, "a"), E(2, "b"), E(3, "c"), E(4, "c") }.ToDictionary(e => e.Seq);
        var ranked = new[] { R(1, 3.0, 4.5), R(2, 2.0, 3.0), R(3, 2.9, 2.9), R(4, 2.9, 2.8) };
        // "c" would win (2.9 + 0.6 x 2.9) but is the third session: with two lead sessions it is not considered.
        EpisodeLead.Apply(ranked, entries, NoVotes, 0, Options with { LeadSessions = 2 }).ShouldBe(ranked);
        EpisodeLead.Apply(ranked, entries, NoVotes, 0, Options with { LeadSessions = 3 })[0].Seq.ShouldBe(3);
        EpisodeLead.Apply(ranked, entries, NoVotes, 0, Options with { LeadSessions = 0 }).ShouldBe(ranked);
    }

    [Fact]
    public void Entries_without_a_session_are_episodes_of_their_own()
    {
        // Two session-less entries do not pool their scores; the session "b" with two strong entries wins.
        var entries = new[] { E(1, null), E(2, null), E(3, "b"), E(4, "b") }.ToDictionary(e => e.Seq);
        var ranked = new[] { R(1, 3.0, 3.0), R(2, 2.95, 2.95), R(3, 2.8, 4.2), R(4, 2.5, 3.9) };
        EpisodeLead.Apply(ranked, entries, NoVotes, floor: 0, Options)[0].Seq.ShouldBe(3);
        // Same streams and session names in another stream are another episode.
        var other = new[] { E(1, "a", "s"), E(3, "a", "t"), E(4, "a", "t"), E(5, "a", "s") }.ToDictionary(e => e.Seq);
        var ranked2 = new[] { R(1, 3.0, 4.5), R(3, 2.8, 4.2), R(4, 2.5, 3.9), R(5, -1, 3.5) };
        EpisodeLead.Apply(ranked2, other, NoVotes, floor: 0, Options)[0].Seq.ShouldBe(3);
    }
}
