using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Embeddings.Tests;

/// <summary>The real embedded models, loaded from their NuGet packages: no network, no stand-in.</summary>
public sealed class EmbeddedSentenceGeneratorTests
{
    private static readonly EmbeddingGenerationOptions AsQuery = new() { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };

    private static float Cosine(Embedding<float> a, Embedding<float> b) => TensorPrimitives.Dot(a.Vector.Span, b.Vector.Span);

    [Theory]
    [InlineData(EmbeddedModel.ArcticXs)]
    [InlineData(EmbeddedModel.MiniLM)]
    public async Task Produces_384_dimensional_unit_vectors(EmbeddedModel model)
    {
        using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = model });
        var result = await generator.GenerateAsync(["hello world", "a much longer sentence about bicycles and ferries"]);
        result.Count.ShouldBe(2);
        foreach (var e in result)
        {
            e.Vector.Length.ShouldBe(384);
            MathF.Sqrt(TensorPrimitives.SumOfSquares(e.Vector.Span)).ShouldBe(1f, 1e-3f);
        }
        Cosine(result[0], result[1]).ShouldBeLessThan(0.95f);
    }

    // The generator reorders a request by length before the model sees it (padding): every vector must still come back
    // at its text's index. Sub-batches of 2 force texts of one request into different model calls.
    [Fact]
    public async Task Vectors_come_back_in_the_callers_order_whatever_the_lengths()
    {
        using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { MaxBatchSize = 2 });
        string[] texts =
        [
            "A long turn about the ferry timetable to the islands, the bicycles we took and the rain that followed us all day.",
            "Hi!",
            "The cat sleeps.",
            "We planted tomatoes, basil and peppers in the new raised beds behind the garage last spring.",
            "Pottery class is on Tuesdays.",
        ];
        var together = await generator.GenerateAsync(texts);
        together.Count.ShouldBe(texts.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = (await generator.GenerateAsync([texts[i]]))[0];
            Cosine(together[i], alone).ShouldBeGreaterThan(0.999f, $"text {i}");
        }
    }

    // The memory question with no word in common with its answer: the retrieval-trained model gets it;
    // MiniLM (trained for similarity, not question-to-passage) scores it below an unrelated sentence, so it is
    // held to a plain paraphrase instead. This gap is why ArcticXs is the default (docs/BENCHMARKS.md).
    [Theory]
    [InlineData(EmbeddedModel.ArcticXs, "What did Caroline research?", "I've been looking into adoption agencies lately.")]
    [InlineData(EmbeddedModel.ArcticXs, "How do I fix a flat tyre?", "Repairing a punctured bicycle tire takes a patch kit.")]
    [InlineData(EmbeddedModel.MiniLM, "How do I fix a flat tyre?", "Repairing a punctured bicycle tire takes a patch kit.")]
    public async Task A_paraphrase_with_no_shared_words_is_closer_than_unrelated_sentences(EmbeddedModel model, string question, string answer)
    {
        using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = model });
        var query = (await generator.GenerateAsync([question], AsQuery))[0];
        var docs = await generator.GenerateAsync([answer, "The weather was sunny at the beach.", "My favourite pizza has olives."]);
        Cosine(query, docs[0]).ShouldBeGreaterThan(Cosine(query, docs[1]));
        Cosine(query, docs[0]).ShouldBeGreaterThan(Cosine(query, docs[2]));
    }

    [Fact]
    public async Task Batched_and_one_by_one_results_agree()
    {
        using var generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { MaxBatchSize = 3 });
        string[] texts = ["one", "two words", "three words here", "a fourth, longer text with punctuation!", "five"];
        var batched = await generator.GenerateAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var single = (await generator.GenerateAsync([texts[i]]))[0];
            Cosine(batched[i], single).ShouldBeGreaterThan(0.9999f, texts[i]);
        }
    }

    [Fact]
    public async Task Query_prefix_changes_arctic_vectors_and_bad_input_type_is_rejected()
    {
        using var generator = new EmbeddedSentenceGenerator();
        var asDoc = (await generator.GenerateAsync(["adoption agencies"]))[0];
        var asQuery = (await generator.GenerateAsync(["adoption agencies"], AsQuery))[0];
        Cosine(asDoc, asQuery).ShouldBeLessThan(0.999f);
        var bad = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "poem" } };
        (await Should.ThrowAsync<ArgumentException>(() => generator.GenerateAsync(["x"], bad))).Message.ShouldContain("input_type");
        generator.GetService(typeof(EmbeddingGeneratorMetadata)).ShouldBeOfType<EmbeddingGeneratorMetadata>().DefaultModelId.ShouldBe("snowflake-arctic-embed-xs");
    }
}
