using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

public sealed class TopCandidatesTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(7, 5)]
    [InlineData(50, 3000)]
    [InlineData(400, 20_000)]
    public void Keeps_the_k_best_rows_by_score_then_row_whatever_the_order_and_split(int k, int n)
    {
        var random = new Random(k * 7 + n);
        // Few distinct scores, negatives among them: ties are common and must go to the higher row.
        var scores = Enumerable.Range(0, n).Select(_ => (float)(random.Next(-40, 40) / 8.0)).ToArray();
        var expected = Enumerable.Range(0, n).OrderByDescending(r => scores[r]).ThenByDescending(r => r).Take(k).Order().ToArray();

        var inOrder = new TopCandidates(k);
        for (int r = 0; r < n; r++) inOrder.Offer(r, scores[r]);
        inOrder.Rows().ShouldBe(expected);

        var shuffled = new TopCandidates(k);
        foreach (int r in Enumerable.Range(0, n).OrderBy(_ => random.Next())) shuffled.Offer(r, scores[r]);
        shuffled.Rows().ShouldBe(expected);

        var (a, b) = (new TopCandidates(k), new TopCandidates(k));
        for (int r = 0; r < n; r++) (r < n / 3 ? a : b).Offer(r, scores[r]);
        a.Merge(b);
        a.Rows().ShouldBe(expected);
    }
}
