using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class EntryPriorTests
{
    private static Entry E(long seq, string speaker, string text, int tokens) => new()
    {
        Seq = seq, Stream = "s", Session = "a", Speaker = speaker, Text = text, Tokens = tokens, IngestedAt = DateTimeOffset.UnixEpoch,
    };

    private static readonly Entry Ack = E(1, "Ann", "Wow, cool!", 4);
    private static readonly Entry Statement = E(2, "Ann", "I adopted a grey cat from the shelter last Saturday and named her Pixel.", 18);
    private static readonly Entry Bob = E(3, "Bob", "I adopted a grey cat from the shelter last Saturday and named her Pixel.", 18);

    private static RetrievalOptions ContentOnly => new() { SpeakerPrior = 0, QuestionPrior = 0 };

    [Fact]
    public void Content_prior_orders_a_statement_above_an_acknowledgement_and_is_zero_at_the_reference_length()
    {
        var prior = EntryPrior.For("what did Ann adopt", [Ack, Statement], ContentOnly);
        prior.Of(Statement).ShouldBeGreaterThan(prior.Of(Ack));
        prior.Of(Ack).ShouldBeLessThan(0);
        prior.Of(E(4, "Ann", "twenty tokens", 20)).ShouldBe(0, 1e-12);
        // Logarithmic: the same 36 extra tokens add much less to a long entry than to a short one.
        double shortGain = prior.Of(E(5, "Ann", "x", 40)) - prior.Of(E(6, "Ann", "x", 4));
        double longGain = prior.Of(E(7, "Ann", "x", 400)) - prior.Of(E(8, "Ann", "x", 364));
        longGain.ShouldBeLessThan(shortGain);
    }

    [Fact]
    public void Content_prior_leaves_entries_without_a_speaker_alone()
    {
        // A short fact among long document chunks is not an acknowledgement: length there says how the text was cut.
        var fact = E(10, "", "The spare key is under the blue flowerpot.", 10) with { Speaker = null };
        var chunk = E(11, "", "A long paragraph of a handbook chapter about gardening.", 180) with { Speaker = null };
        var prior = EntryPrior.For("where is the spare key", [fact, chunk], ContentOnly);
        prior.Of(fact).ShouldBe(0);
        prior.Of(chunk).ShouldBe(0);
        prior.Of(E(12, "Ann", "Ok.", 2)).ShouldBeLessThan(0, "a turn still gets it");
    }

    [Fact]
    public void Apply_reorders_equal_channel_scores_by_the_prior()
    {
        var entries = new[] { Ack, Statement }.ToDictionary(e => e.Seq);
        var fused = new[] { new FusedCandidate(1, 1.0, [1.0], 1), new FusedCandidate(2, 1.0, [1.0], 1) };
        var ordered = EntryPrior.For("q", entries.Values, ContentOnly).Apply(fused, entries);
        ordered.Select(f => f.Seq).ShouldBe([2L, 1L]);
    }

    [Fact]
    public void Speaker_prior_raises_the_named_speaker_and_lowers_the_other()
    {
        var options = new RetrievalOptions { ContentPrior = 0, QuestionPrior = 0, SpeakerPrior = 0.25 };
        var prior = EntryPrior.For("What did Ann's cat eat?", [Statement, Bob], options);
        prior.Of(Statement).ShouldBe(0.25, 1e-12);
        prior.Of(Bob).ShouldBe(-0.25, 1e-12);
    }

    [Theory]
    [InlineData("What did Ann and Bob adopt?")] // everyone named
    [InlineData("What did they adopt?")]       // no one named
    [InlineData("What did Annabel adopt?")]    // a longer word is not the name
    public void Speaker_prior_is_zero_when_all_or_no_speakers_are_named(string query)
    {
        var options = new RetrievalOptions { ContentPrior = 0, QuestionPrior = 0, SpeakerPrior = 0.5 };
        var prior = EntryPrior.For(query, [Statement, Bob], options);
        prior.Of(Statement).ShouldBe(0);
        prior.Of(Bob).ShouldBe(0);
    }

    [Theory]
    [InlineData("What pet do you have?", true)]
    [InlineData("Any plans for the summer?  ", true)]
    [InlineData("Do you like it? [shares a photo of a cat on a sofa]", true)]
    [InlineData("I have a cat. [shares a photo: what is this?]", false)]
    [InlineData("I have a cat named Pixel.", false)]
    [InlineData("Is it a cat? No, a fox.", false)]
    [InlineData("", false)]
    public void A_question_is_an_entry_that_ends_in_a_question_mark(string text, bool expected) =>
        EntryPrior.IsQuestion(text).ShouldBe(expected);

    [Fact]
    public void Question_prior_lowers_a_question_below_the_statement_it_echoes()
    {
        var question = E(9, "Ann", "What pet do you have, Bob?", 8);
        var statement = E(10, "Bob", "A grey cat named Pixel, my pet.", 8);
        var options = new RetrievalOptions { ContentPrior = 0, SpeakerPrior = 0, QuestionPrior = 0.5 };
        var prior = EntryPrior.For("What pet does Bob have?", [question, statement], options);
        prior.Of(question).ShouldBe(-0.5, 1e-12);
        prior.Of(statement).ShouldBe(0);
        EntryPrior.For("q", [question], options with { QuestionPrior = 0 }).Of(question).ShouldBe(0);
    }
}
