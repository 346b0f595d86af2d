using InfiniteContext.Evaluation;
using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Evaluation;

public class LocomoEvaluatorTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json");

    private static SearchHit Hit(string stream, string id, double confidence) =>
        new(new Entry { Seq = 1, Stream = stream, ExternalId = id, Text = id, IngestedAt = DateTimeOffset.UnixEpoch }, 1) { Confidence = confidence };

    [Fact]
    public async Task Scores_recall_session_hits_and_a_reliability_table_from_what_the_retriever_returns()
    {
        var samples = await LocomoDataset.LoadAsync(Sample);
        // A retriever that ranks each question's first evidence turn second, behind a wrong turn of session 2.
        var evaluator = new LocomoEvaluator((question, stream, k, _) =>
        {
            var q = samples.Single(s => s.SampleId == stream).Questions.Single(x => x.Question == question);
            IReadOnlyList<SearchHit> hits = [Hit(stream, "D2:2", 0.05), Hit(stream, q.Evidence[0], 0.95)];
            return Task.FromResult(hits);
        });

        var report = await evaluator.EvaluateAsync(samples);

        report.Overall.Questions.ShouldBe(6);
        report.Overall.RecallAt1.ShouldBe(0);
        // "D4:1; D4:3" has two evidence turns and only one is returned: (5 x 1 + 0.5) / 6.
        report.Overall.RecallAt5.ShouldBe(Math.Round(5.5 / 6, 4));
        report.Overall.SessionHitAt1.ShouldBe(0); // no evidence lies in session 2
        report.Calibration.Select(b => (b.From, b.Hits, b.ObservedEvidenceRate)).ShouldBe([(0.0, 6, 0.0), (0.9, 6, 1.0)]);
    }
}
