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
}
