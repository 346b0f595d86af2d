using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class RecencyPreferenceTests
{
    private static SearchHit Hit(long seq, string text, int day, double score, string speaker = "Ana") => new(new Entry
    {
        Seq = seq, Stream = "s", Speaker = speaker, Text = text, IngestedAt = DateTimeOffset.UnixEpoch,
        Time = new DateTimeOffset(2024, 1, day, 0, 0, 0, TimeSpan.Zero),
    }, score);

    [Theory]
    [InlineData("Where does Ana live now?", true)]
    [InlineData("What is her current job?", true)]
    [InlineData("Does she still play tennis?", true)]
    [InlineData("Where did Ana live in 2019?", false)]
    public void Recognises_questions_about_the_current_state(string query, bool expected) =>
        RecencyPreference.AsksForCurrentState(query).ShouldBe(expected);

    [Fact]
    public void The_latest_near_duplicate_takes_the_groups_best_rank()
    {
        var hits = new List<SearchHit>
        {
            Hit(1, "I live in Boston with my two cats", 1, 9),
            Hit(7, "We went hiking near the lake", 5, 5),
            Hit(9, "I live in Denver with my two cats", 20, 4),
        };
        var ordered = RecencyPreference.LatestFirst(hits);
        ordered.Select(h => h.Entry.Seq).ShouldBe([9L, 1L, 7L]);
        ordered[0].Score.ShouldBe(9);
    }

    [Fact]
    public void Different_speakers_or_different_facts_are_not_merged()
    {
        var hits = new List<SearchHit>
        {
            Hit(1, "I live in Boston with my two cats", 1, 9),
            Hit(9, "I live in Denver with my two cats", 20, 4, speaker: "Ben"),
            Hit(12, "Tomorrow is the big concert downtown", 25, 3),
        };
        RecencyPreference.LatestFirst(hits).Select(h => h.Entry.Seq).ShouldBe([1L, 9L, 12L]);
    }

    [Fact]
    public void With_the_query_a_near_identical_statement_about_another_subject_is_not_merged()
    {
        // Same speaker, same wording, one word apart: the old rule merged them and put the other flight's newer gate first.
        var hits = new List<SearchHit>
        {
            Hit(1, "Update: the gate for flight LH 307 is now D24.", 1, 9),
            Hit(2, "Update: the gate for flight BA 307 is now D27.", 9, 8),
        };
        RecencyPreference.LatestFirst(hits).Select(h => h.Entry.Seq).ShouldBe([2L, 1L]);
        RecencyPreference.LatestFirst(hits, "What is the current gate for flight LH 307?").Select(h => h.Entry.Seq).ShouldBe([1L, 2L]);
    }

    [Fact]
    public void With_the_query_differently_worded_statements_covering_all_its_terms_are_one_fact_whoever_said_them()
    {
        var hits = new List<SearchHit>
        {
            Hit(1, "The locker code for the east gym is 4417.", 1, 9),
            Hit(5, "Anything else about the east side?", 3, 6),
            Hit(9, "record updated | east gym | locker code = 5521", 20, 4, speaker: "tracker"),
        };
        var ordered = RecencyPreference.LatestFirst(hits, "What is the locker code for the east gym now?");
        ordered.Select(h => h.Entry.Seq).ShouldBe([9L, 1L, 5L]);
        ordered[0].Score.ShouldBe(9);
        // Without the query they share too few words to be called the same.
        RecencyPreference.LatestFirst(hits).Select(h => h.Entry.Seq).ShouldBe([1L, 5L, 9L]);
    }

    [Fact]
    public void A_query_with_a_single_topic_term_does_not_merge_on_coverage_alone()
    {
        var hits = new List<SearchHit>
        {
            Hit(1, "My garden is full of tomatoes this year.", 1, 9),
            Hit(9, "The garden centre opens at nine.", 20, 4, speaker: "Ben"),
        };
        RecencyPreference.LatestFirst(hits, "How is the garden now?").Select(h => h.Entry.Seq).ShouldBe([1L, 9L]);
    }
}
