using BenchmarkDotNet.Attributes;
using InfiniteContext.Embeddings;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Benchmarks;

/// <summary>
/// The embedded model on the query path (one short question, the arctic query prefix included) and on the indexer's
/// path (a batch of chat turns), with ONNX Runtime's worker threads spinning or sleeping between operators, on an idle
/// machine and with other work competing for the cores (<see cref="BusyThreads"/> threads spinning on arithmetic, as
/// ingest, the background indexer or another request would). Decides <see cref="EmbeddedModelOptions.SpinWait"/>.
/// </summary>
[MemoryDiagnoser]
public class QueryEmbeddingBenchmarks
{
    private static readonly EmbeddingGenerationOptions Query = new() { AdditionalProperties = new() { [EmbeddedSentenceGenerator.InputTypeProperty] = "query" } };

    private static readonly string[] Turns =
    [
        "Caroline: I went to a LGBTQ support group yesterday and it was so powerful.",
        "Melanie: Wow, that's cool, Caroline! What happened that was so awesome? Did you hear any inspiring stories?",
        "Caroline: The transgender stories were so inspiring! I was so happy and thankful for all the support.",
        "Melanie: I'm so proud of you. Taking the kids camping next month, we can't wait to roast marshmallows.",
        "Caroline: I've been looking into adoption agencies; I want to give a kid a loving home.",
        "Melanie: That's a big step. Do you have a timeline in mind, or are you still researching?",
        "Caroline: Still researching, but the interviews are lined up for October and I'm nervous.",
        "Melanie: You'll be great. I finished a painting of a sunset last week, the first in years.",
    ];

    private EmbeddedSentenceGenerator _generator = null!;
    private CancellationTokenSource? _load;
    private Thread[] _busy = [];

    [Params(false, true)]
    public bool SpinWait { get; set; }

    [Params(0, 2)]
    public int BusyThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = new EmbeddedSentenceGenerator(new EmbeddedModelOptions { SpinWait = SpinWait });
        _generator.GenerateAsync(Turns).GetAwaiter().GetResult();
        _load = new CancellationTokenSource();
        var token = _load.Token;
        _busy = Enumerable.Range(0, BusyThreads).Select(_ => new Thread(() =>
        {
            double x = 1;
            while (!token.IsCancellationRequested) x = Math.Sqrt(x + 1.5);
            GC.KeepAlive(x);
        }) { IsBackground = true }).ToArray();
        foreach (var t in _busy) t.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _load?.Cancel();
        foreach (var t in _busy) t.Join();
        _generator.Dispose();
    }

    [Benchmark]
    public async Task<int> OneQuestion() =>
        (await _generator.GenerateAsync(["What did Caroline research after the support group?"], Query)).Count;

    [Benchmark]
    public async Task<int> BatchOfEightTurns() => (await _generator.GenerateAsync(Turns)).Count;
}
