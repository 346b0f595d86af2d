using System.Numerics.Tensors;
using InfiniteContext.OpenAI;
using Microsoft.Extensions.AI;

namespace InfiniteContext.OpenAI.Tests;

/// <summary>The generator against a local OpenAI-compatible double over real HTTP on loopback.</summary>
public sealed class EndpointEmbeddingGeneratorTests : IDisposable
{
    private readonly FakeEmbeddingServer _server = new(dimensions: 48);

    public void Dispose() => _server.Dispose();

    private EndpointEmbeddingGenerator Create(string? url = null, int batch = 64, string? prefix = null, int? dimensions = null) => new(new EmbeddingEndpointOptions
    {
        Endpoint = new Uri(url ?? _server.BaseUrl),
        Model = "fake",
        MaxBatchSize = batch,
        QueryPrefix = prefix,
        Dimensions = dimensions,
        MaxRetries = 0,
    });

    private static readonly EmbeddingGenerationOptions Query = new() { AdditionalProperties = new() { ["input_type"] = "query" } };

    [Fact]
    public async Task Vectors_are_the_servers_in_input_order_scaled_to_unit_length()
    {
        using var generator = Create();
        string[] texts = ["red apples and green pears", "the quarterly budget review", "red apples again"];
        var result = await generator.GenerateAsync(texts);
        result.Count.ShouldBe(3);
        for (int i = 0; i < texts.Length; i++)
        {
            var v = result[i].Vector.ToArray();
            v.Length.ShouldBe(48);
            TensorPrimitives.Norm(v).ShouldBe(1f, 1e-4f);
            var expected = FakeEmbeddingServer.Embed(texts[i], 48);
            TensorPrimitives.CosineSimilarity(v, expected).ShouldBe(1f, 1e-4f);
        }
        generator.Dimensions.ShouldBe(48);
        generator.Metadata.DefaultModelId.ShouldBe("openai:fake");
    }

    [Fact]
    public async Task Large_inputs_go_out_in_requests_of_at_most_the_batch_size()
    {
        using var generator = Create(batch: 5);
        var texts = Enumerable.Range(0, 13).Select(i => $"text number {i}").ToArray();
        var result = await generator.GenerateAsync(texts);
        result.Count.ShouldBe(13);
        _server.Requests.Select(r => r.Inputs.Count).ShouldBe([5, 5, 3]);
        _server.EmbeddedTexts.ShouldBe(texts);
    }

    [Fact]
    public async Task Only_queries_get_the_prefix()
    {
        using var generator = Create(prefix: "search_query: ");
        await generator.GenerateAsync(["a document"]);
        await generator.GenerateAsync(["a question"], Query);
        _server.EmbeddedTexts.ShouldBe(["a document", "search_query: a question"]);
    }

    [Fact]
    public async Task The_full_embeddings_url_is_accepted_as_the_endpoint()
    {
        using var generator = Create(url: _server.BaseUrl + "/embeddings/");
        (await generator.GenerateAsync(["hello"])).Count.ShouldBe(1);
        generator.Url.ShouldBe(_server.BaseUrl + "/embeddings");
        _server.Requests.Single().Path.ShouldBe("/v1/embeddings");
    }

    [Fact]
    public async Task A_vector_length_other_than_the_expected_one_is_an_error_naming_the_url()
    {
        using var generator = Create(dimensions: 64);
        var ex = await Should.ThrowAsync<EmbeddingEndpointException>(() => generator.GenerateAsync(["hello"]));
        ex.Message.ShouldContain(_server.BaseUrl + "/embeddings");
        ex.Message.ShouldContain("48 dimensions");
    }

    [Fact]
    public async Task An_http_error_names_the_url_and_status()
    {
        _server.FailWith = 401;
        using var generator = Create();
        var ex = await Should.ThrowAsync<EmbeddingEndpointException>(() => generator.GenerateAsync(["hello"]));
        ex.HttpStatus.ShouldBe(401);
        ex.Message.ShouldContain(_server.BaseUrl + "/embeddings");
        ex.Message.ShouldContain("HTTP 401");
        ex.Message.ShouldContain("fake server says 401");
    }

    [Fact]
    public async Task An_unknown_input_type_is_rejected_before_any_request()
    {
        using var generator = Create();
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = "passage-ish" } };
        await Should.ThrowAsync<ArgumentException>(() => generator.GenerateAsync(["hello"], options));
        _server.Requests.ShouldBeEmpty();
    }
}
