using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class ConfidenceModelTests
{
    [Fact]
    public void Confidence_rises_with_the_fused_score_and_stays_a_probability()
    {
        double previous = -1;
        foreach (double score in new[] { -10.0, -2, 0, 2, 4, 8, 16, 40 })
        {
            double c = ConfidenceModel.ForHit(score, 2);
            c.ShouldBeInRange(0, 1);
            c.ShouldBeGreaterThanOrEqualTo(previous);
            previous = c;
        }
        ConfidenceModel.ForHit(40, 2).ShouldBeGreaterThan(0.9);
        ConfidenceModel.ForHit(0, 2).ShouldBeLessThan(0.1);
    }

    [Fact]
    public void A_result_set_is_as_confident_as_its_best_hit()
    {
        var e = new Entry { Seq = 1, Stream = "s", Text = "t", IngestedAt = DateTimeOffset.UnixEpoch };
        ConfidenceModel.ForResults([]).ShouldBe(0);
        ConfidenceModel.ForResults([new SearchHit(e, 1) { Confidence = 0.2 }, new SearchHit(e, 2) { Confidence = 0.7 }]).ShouldBe(0.7);
    }
}
