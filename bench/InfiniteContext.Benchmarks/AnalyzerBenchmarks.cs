using BenchmarkDotNet.Attributes;
using InfiniteContext.Text;

namespace InfiniteContext.Benchmarks;

/// <summary>The analyzer runs on every ingested entry and every query: it must not allocate per token.</summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private const string Paragraph =
        "Caroline went to the LGBTQ support group on 8 May, 2023, and said it was powerful. She's been researching " +
        "adoption agencies since May 2023; the interviews are on 2023-10-20. Melanie ran 1,000 metres in 3.5 minutes " +
        "on her 21st birthday and painted a sunrise by the lake with her kids, who loved the camping trip.";

    private const string Accented = "Café crème at the Zürich Straße; naïve coöperation, résumé reviewed by Zoë.";

    private readonly EnglishAnalyzer _analyzer = new();
    private readonly CountingSink _sink = new();

    [Benchmark(Baseline = true)]
    public long AsciiParagraph()
    {
        _analyzer.Analyze(Paragraph, _sink);
        return _sink.Count;
    }

    [Benchmark]
    public long NonAsciiSentence()
    {
        _analyzer.Analyze(Accented, _sink);
        return _sink.Count;
    }

    private sealed class CountingSink : ITermSink
    {
        public long Count;
        public void OnTerm(ReadOnlySpan<char> term) => Count += term.Length;
    }
}
