using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class RetrievalTextTests
{
    private static Entry E(string text, string? speaker = "Ana", int tokens = 20) =>
        new() { Seq = 1, Stream = "s", Text = text, Speaker = speaker, Tokens = tokens, IngestedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void A_multi_sentence_turn_has_one_speaker_prefixed_view_per_sentence()
    {
        RetrievalText.Parts(E("Wow, thanks! I went camping with the kids last weekend. It rained? \"Never again\", said Tom."))
            .ShouldBe(["Ana: Wow, thanks!", "Ana: I went camping with the kids last weekend.", "Ana: It rained?", "Ana: \"Never again\", said Tom."]);
        RetrievalText.Parts(E("First part. Second part.", speaker: null)).ShouldBe(["First part.", "Second part."]);
    }

    [Fact]
    public void Sentences_end_only_before_a_capital_a_digit_or_an_opening_mark()
    {
        RetrievalText.Parts(E("We met at 3 p.m. at the café. 2 hours later, e.g. after lunch, we left.")).ShouldBe(
            ["Ana: We met at 3 p.m. at the café.", "Ana: 2 hours later, e.g. after lunch, we left."]);
    }

    [Fact]
    public void A_single_sentence_has_no_views_unless_an_annotation_was_cut_off()
    {
        RetrievalText.Parts(E("I love the new mural downtown.")).ShouldBeEmpty();
        RetrievalText.Parts(E("I love the new mural downtown. [shares a photo of a mural]")).ShouldBe(["Ana: I love the new mural downtown."]);
        RetrievalText.Parts(E("Look! Here it is [shares a photo of a dog]")).ShouldBe(["Ana: Look!", "Ana: Here it is"]);
        RetrievalText.Parts(E("[shares a photo of a dog]")).ShouldBeEmpty();
    }

    [Fact]
    public void Long_entries_and_entries_of_many_sentences_keep_one_vector()
    {
        string many = string.Join(' ', Enumerable.Range(1, RetrievalText.MaxParts + 1).Select(i => $"Sentence {i}."));
        RetrievalText.Parts(E(many)).ShouldBeEmpty();
        string enough = string.Join(' ', Enumerable.Range(1, RetrievalText.MaxParts).Select(i => $"Sentence {i}."));
        RetrievalText.Parts(E(enough)).Count.ShouldBe(RetrievalText.MaxParts);
        RetrievalText.Parts(E("One. Two.", tokens: RetrievalText.MaxPartTokens + 1)).ShouldBeEmpty();
        RetrievalText.Parts(E("One. Two.", tokens: RetrievalText.MaxPartTokens)).Count.ShouldBe(2);
    }
}
