using System.Diagnostics;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Scale;

/// <summary>Where ingest time goes: each stage of the pipeline alone over the same corpus (single thread).</summary>
internal static class Profile
{
    public static async Task RunAsync(string corpus)
    {
        var tokenizer = TiktokenCounter.Get("o200k_base");
        var sources = new IngestSources(tokenizer);
        var clock = Stopwatch.StartNew();
        var texts = new List<string>();
        await foreach (var item in sources.ReadAsync(corpus, IngestFormat.Jsonl, new IngestReaderOptions())) texts.Add(item.Entry!.Text);
        Console.WriteLine($"parse jsonl: {clock.Elapsed.TotalSeconds:0.00}s for {texts.Count:N0} entries");
        clock.Restart();
        long tokens = 0;
        foreach (var t in texts) tokens += tokenizer.CountTokens(t);
        Console.WriteLine($"tiktoken count: {clock.Elapsed.TotalSeconds:0.00}s for {tokens:N0} tokens");
        clock.Restart();
        var analyzer = new EnglishAnalyzer();
        var sink = new CountingSink();
        foreach (var t in texts) analyzer.Analyze(t, sink);
        Console.WriteLine($"analyzer: {clock.Elapsed.TotalSeconds:0.00}s for {sink.Count:N0} terms");
    }

    private sealed class CountingSink : ITermSink
    {
        public long Count;
        public void OnTerm(ReadOnlySpan<char> term) => Count++;
    }
}
