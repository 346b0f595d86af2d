using InfiniteContext.Evaluation;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Evaluation;

public class NeedleFactoryTests
{
    private sealed class Terms : ITermSink
    {
        public HashSet<string> Set { get; } = new(StringComparer.Ordinal);
        public void OnTerm(ReadOnlySpan<char> term) => Set.Add(term.ToString());
    }

    private static HashSet<string> Analyze(string text)
    {
        var sink = new Terms();
        new EnglishAnalyzer().Analyze(text, sink);
        return sink.Set;
    }

    [Fact]
    public void Non_literal_questions_share_no_content_word_with_their_needle()
    {
        var factory = new NeedleFactory(5);
        var probes = Enumerable.Range(0, NeedleFactory.NonLiteralCapacity).Select(_ => factory.Create(NeedleVariant.NonLiteral, 50)).ToList();
        probes.Select(p => p.Question).Distinct().Count().ShouldBe(NeedleFactory.NonLiteralCapacity);
        foreach (var p in probes)
        {
            var shared = Analyze(p.Question).Intersect(Analyze(p.Needles[0].Text)).ToList();
            shared.ShouldBeEmpty($"'{p.Question}' shares {string.Join(", ", shared)} with '{p.Needles[0].Text}'");
        }
        Should.Throw<InvalidOperationException>(() => factory.Create(NeedleVariant.NonLiteral, 50));
    }

    [Fact]
    public void A_near_miss_distractor_differs_in_one_detail_and_the_question_names_that_detail()
    {
        var factory = new NeedleFactory(11, new NeedleOptions { Distractors = 3 });
        var probes = Enumerable.Range(0, 30).Select(_ => factory.Create(NeedleVariant.NearMiss, 25)).ToList();
        probes.Select(p => p.DistinguishingDetail).Distinct().Order().ShouldBe(["date", "number", "person"]);
        foreach (var p in probes)
        {
            p.Distractors.Count.ShouldBe(3);
            var needle = Analyze(p.Needles[0].Text);
            var question = Analyze(p.Question);
            foreach (var d in p.Distractors)
            {
                d.Text.ShouldNotBe(p.Needles[0].Text);
                var distractor = Analyze(d.Text);
                var onlyInNeedle = needle.Except(distractor).ToList();
                // One changed slot: a person is two words, a number one term, a date up to five (day, month, year and the ISO forms).
                onlyInNeedle.Count.ShouldBeInRange(1, 5, $"{p.Needles[0].Text} / {d.Text}");
                question.Overlaps(onlyInNeedle).ShouldBeTrue($"'{p.Question}' does not name what tells '{p.Needles[0].Text}' from '{d.Text}'");
                // The rest of the fact is the same, so only that detail can tell them apart.
                distractor.Except(needle).Count().ShouldBe(onlyInNeedle.Count, $"{p.Needles[0].Text} / {d.Text}");
            }
        }
    }

    [Fact]
    public void Probes_are_a_function_of_the_seed_with_unique_people_and_places_the_haystack_never_uses()
    {
        static List<NeedleProbe> Make(int seed)
        {
            var f = new NeedleFactory(seed);
            return NeedleVariants.All.SelectMany(v => Enumerable.Range(0, 6).Select(i => f.Create(v, i * 20))).ToList();
        }
        var a = Make(3);
        var b = Make(3);
        a.Select(p => (p.Question, string.Join("|", p.Needles.Select(n => n.Id + n.Text)), string.Join("|", p.Distractors.Select(n => n.Text))))
            .ShouldBe(b.Select(p => (p.Question, string.Join("|", p.Needles.Select(n => n.Id + n.Text)), string.Join("|", p.Distractors.Select(n => n.Text)))));
        Make(4).Select(p => p.Question).ShouldNotBe(a.Select(p => p.Question));

        var ids = a.SelectMany(p => p.Needles.Concat(p.Distractors)).Select(n => n.Id).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count);
        a.Where(p => p.Variant == NeedleVariant.Multi).ShouldAllBe(p => p.Needles.Count == 3);
        var questions = a.Where(p => p.Variant != NeedleVariant.NonLiteral).Select(p => p.Question).ToList();
        questions.Distinct().Count().ShouldBe(questions.Count);
        foreach (var p in a.Where(p => p.Variant == NeedleVariant.Single))
        {
            // Capitalized words of the question (its person and place) are never words of the haystack's prose.
            var names = p.Question.Split([' ', '?', ',', '\''], StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => char.IsUpper(w[0]) && w.Length > 3).ToList();
            names.ShouldNotBeEmpty();
            names.Where(n => !IsOrdinaryWord(n)).ShouldAllBe(n => !HaystackGenerator.Vocabulary.Contains(n));
        }
    }

    // Month names and place features ("Point", "Cove") are ordinary words; the stems and surnames are what must be new.
    private static bool IsOrdinaryWord(string w) =>
        System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.MonthNames.Contains(w) || w is "Point" or "Cove" or "Ford" or "Haven" or "Reach" or "Crossing" or "Sound" or "Head" or "Mill" or "Street";
}
