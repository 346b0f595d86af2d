using InfiniteContext.Ingest;

namespace InfiniteContext.Tests.Ingest;

/// <summary>Runs a reader over a file on disk and splits what it yields into entries and problems.</summary>
internal static class ReaderRun
{
    public static IngestReaderOptions Options(string? defaultStream = null, int maxChunkTokens = 256, int maxEntryChars = 1_000_000) =>
        new() { DefaultStream = defaultStream, MaxChunkTokens = maxChunkTokens, MaxEntryChars = maxEntryChars };

    public static async Task<Result> ReadFileAsync(IEntryReader reader, string path, IngestReaderOptions? options = null, string? sourceName = null)
    {
        await using FileStream input = File.OpenRead(path);
        return await CollectAsync(reader.ReadAsync(input, sourceName ?? Path.GetFileName(path), options ?? Options()));
    }

    public static async Task<Result> CollectAsync(IAsyncEnumerable<IngestItem> items)
    {
        var all = new List<IngestItem>();
        await foreach (IngestItem item in items) all.Add(item);
        return new Result(all);
    }

    public sealed record Result(List<IngestItem> Items)
    {
        public List<NewEntry> Entries => Items.Where(i => i.Entry is not null).Select(i => i.Entry!).ToList();
        public List<IngestProblem> Problems => Items.Where(i => i.Problem is not null).Select(i => i.Problem!).ToList();
    }
}
