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
            var q = samples.Single(s => s.SampleId == stream).Questions.SingleOrDefault(x => x.Question == question);
            IReadOnlyList<SearchHit> hits = q is null ? [] : [Hit(stream, "D2:2", 0.05), Hit(stream, q.Evidence[0], 0.95)];
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

    [Fact]
    public async Task Each_question_is_also_asked_of_another_conversation_and_the_confidences_are_compared()
    {
        var samples = await LocomoDataset.LoadAsync(Sample);
        var asked = new List<(string Question, string Stream)>();
        // Own conversation: confidence 0.6 for all but one question (0.05); the other conversation: 0.1 for all.
        var evaluator = new LocomoEvaluator((question, stream, k, _) =>
        {
            lock (asked) asked.Add((question, stream));
            var q = samples.Single(s => s.SampleId == stream).Questions.FirstOrDefault(x => x.Question == question);
            double confidence = q is null ? 0.1 : q == samples[0].Questions[0] ? 0.05 : 0.6;
            IReadOnlyList<SearchHit> hits = [Hit(stream, q?.Evidence[0] ?? "D1:1", confidence)];
            return Task.FromResult(hits);
        });

        var report = await evaluator.EvaluateAsync(samples);

        var nim = report.NotInMemory.ShouldNotBeNull();
        nim.Questions.ShouldBe(6);
        foreach (var sample in samples)
            foreach (var q in sample.Questions.Where(q => q.Evidence.Any(sample.TurnIds.Contains)))
                asked.ShouldContain((q.Question, samples.Single(s => s != sample).SampleId), "each question is put to the other conversation too");
        // 5 of 6 own confidences (0.6) beat all 6 foreign ones (0.1); one (0.05) beats none: 30 / 36.
        nim.Auc.ShouldBe(Math.Round(30.0 / 36, 3));
        nim.OwnMedian.ShouldBe(0.6);
        nim.ForeignMedian.ShouldBe(0.1);
        nim.Thresholds.Single(t => t.Confidence == 0.2).ShouldBe(new ConfidenceThreshold(0.2, Math.Round(5.0 / 6, 3), 0));
    }

    [Fact]
    public void Auc_counts_ties_as_half_and_is_one_half_for_indistinguishable_sides()
    {
        NotInMemoryScore.Of([0.3, 0.3], [0.3, 0.3]).Auc.ShouldBe(0.5);
        NotInMemoryScore.Of([0.9, 0.8], [0.1, 0.2, 0.85]).Auc.ShouldBe(Math.Round(5.0 / 6, 3));
        NotInMemoryScore.Of([0.1], [0.9]).Auc.ShouldBe(0);
        Should.Throw<ArgumentException>(() => NotInMemoryScore.Of([], [0.5]));
    }
}
