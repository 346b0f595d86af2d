using FsCheck;
using FsCheck.Fluent;
using InfiniteContext.Indexing;

namespace InfiniteContext.Tests.Indexing;

/// <summary>The score bound pruning relies on: never below the score of any posting it covers, however short the document.</summary>
public sealed class Bm25BoundTests
{
    [Fact]
    public void The_bound_of_a_set_of_postings_is_at_least_each_postings_score()
    {
        Arbitrary<(int Seed, int K1Percent, int BPercent)> inputs =
            (from seed in Gen.Choose(0, int.MaxValue - 1)
             from k1 in Gen.Choose(0, 300)
             from b in Gen.Choose(0, 100)
             select (seed, k1, b)).ToArbitrary();

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(inputs, input =>
        {
            var random = new Random(input.Seed);
            double k1 = input.K1Percent / 100.0, b = input.BPercent / 100.0;
            double avgdl = 1 + random.NextDouble() * 300;
            double weight = random.NextDouble() * 20;
            // A block: some one-word documents, some long ones with a high tf.
            var postings = Enumerable.Range(0, 1 + random.Next(128)).Select(_ =>
            {
                int tf = random.Next(4) == 0 ? 1 + random.Next(60) : 1 + random.Next(3);
                int length = random.Next(3) == 0 ? tf : tf + random.Next(400);
                return (Tf: tf, Length: length);
            }).ToList();
            int maxTf = postings.Max(p => p.Tf);
            float minLengthPerTf = postings.Min(p => Bm25.LengthPerTf(p.Length, p.Tf));
            double bound = Bm25.Bound(weight, maxTf, minLengthPerTf, k1, b, avgdl);
            foreach (var (tf, length) in postings)
            {
                double score = Bm25.Term(weight, tf, length, k1, b, avgdl);
                // Float rounding of the stored length per tf only ever lowers it; allow double rounding noise.
                score.ShouldBeLessThanOrEqualTo(bound * (1 + 1e-12), $"tf {tf}, length {length}, k1 {k1}, b {b}, avgdl {avgdl}");
            }
            // And it is attained when one posting holds both extremes.
            double tight = Bm25.Term(weight, maxTf, (int)Math.Round(minLengthPerTf * maxTf), k1, b, avgdl);
            if (postings.Any(p => p.Tf == maxTf && Bm25.LengthPerTf(p.Length, p.Tf) == minLengthPerTf))
                tight.ShouldBe(bound, Math.Max(1e-9, bound * 1e-6));
            return true;
        }));
    }
}
