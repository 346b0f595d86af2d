using BenchmarkDotNet.Attributes;
using InfiniteContext.Embeddings;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// Arctic Embed XS in fp32 (the package's model) against its int8 rewrite, on the query path (one question with the
/// retrieval prefix) and the indexer's (a batch of 32 chat turns), with ONNX Runtime's default thread count (all
/// cores) and with one thread (what a query could use while the other core runs the lexical channel). Decides
/// <see cref="EmbeddedModelOptions.Model"/>'s default together with the LoCoMo dev recall of each.
/// </summary>
[MemoryDiagnoser]
public class EmbeddedModelBenchmarks
{
    private static readonly EmbeddingGenerationOptions Query = new() { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };

    private static readonly string[] Turns = Enumerable.Range(0, 4).SelectMany(i => new[]
    {
        $"Caroline: I went to a LGBTQ support group yesterday and it was so powerful, the {i} stories I heard stayed with me.",
        "Melanie: Wow, that's cool, Caroline! What happened that was so awesome? Did you hear any inspiring stories?",
        "Caroline: The transgender stories were so inspiring! I was so happy and thankful for all the support.",
        $"Melanie: I'm so proud of you. Taking the kids camping next month, we can't wait to roast marshmallows ({i}).",
        "Caroline: I've been looking into adoption agencies; I want to give a kid a loving home.",
        "Melanie: That's a big step. Do you have a timeline in mind, or are you still researching?",
        "Caroline: Still researching, but the interviews are lined up for October and I'm nervous.",
        "Melanie: You'll be great. I finished a painting of a sunset last week, the first in years.",
    }).ToArray();

    private EmbeddedSentenceGenerator _generator = null!;

    [Params(EmbeddedModel.ArcticXs, EmbeddedModel.ArcticXsInt8)]
    public EmbeddedModel Model { get; set; }

    /// <summary>0: ONNX Runtime's default (one per core).</summary>
    [Params(0, 1)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = Model, IntraOpThreads = Threads });
        _generator.GenerateAsync(Turns).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark]
    public async Task<int> OneQuestion() =>
        (await _generator.GenerateAsync(["What did Caroline research after the support group?"], Query)).Count;

    [Benchmark]
    public async Task<int> BatchOf32Turns() => (await _generator.GenerateAsync(Turns)).Count;
}
